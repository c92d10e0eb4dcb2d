package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs started on one output path (a cron job and a manual rerun, say): the second stops in one
 * line before Spark starts, and the first publishes its own summary beside its own tables.
 */
@Slow
class TwoRunsOneOutputTest {
  @TempDir Path tmp;

  static Processes.Command run(Path input, Path output) {
    return Processes.job(
        "2g",
        JobArgs.none()
            .sets(
                "input.path=" + input,
                "output.path=" + output,
                "student.path=" + DemoStudent.DIR,
                "spark.default-master=local[2]",
                "teachers.bootstrap-samples=50",
                "progress.interval-seconds=1"));
  }

  @Test
  void aSecondRunOnAnOutputInUseStopsInOneLineAndTheFirstPublishesItsOwnRun() throws Exception {
    Path demo = Path.of("src/main/resources/demo/corpus.jsonl").toAbsolutePath();
    Path small = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path out = tmp.resolve("out");
    Processes.Running first = run(demo, out).start();
    assertTrue(
        first.awaitOutput(o -> o.contains("progress: "), Duration.ofMinutes(3)),
        first.outputSoFar());

    Processes.Outcome second = run(small, out).run(Duration.ofMinutes(2));
    assertEquals(NaturalnessJob.EXIT_CONFIG, second.exit(), second.output());
    String line = second.stderr().strip();
    assertTrue(
        line.startsWith("naturalness: output.path " + out + " is being written by run "), line);
    assertEquals(1, line.lines().count(), line);

    Processes.Outcome done = first.await(Duration.ofMinutes(5));
    assertEquals(0, done.exit(), done.output());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(800, summary.at("/counts/read").asLong());
    assertEquals(800, rows(out.resolve("scores")), "scores/ is the run's whose summary it is");
    assertTrue(!Files.exists(out.resolve("_naturalness.lock")), "the lock went with its run");
  }

  /** Rows of a Parquet table, from its files' footers. */
  static long rows(Path table) throws IOException {
    long n = 0;
    try (var files = Files.list(table)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        try (var reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toString()), new Configuration()))) {
          n += reader.getRecordCount();
        }
      }
    }
    return n;
  }
}
