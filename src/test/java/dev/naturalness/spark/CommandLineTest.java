package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupWriteSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job-level errors stop the job in a fresh JVM with one line on stderr and exit code 2, before
 * Spark starts: every run here also names a Spark master that cannot be parsed, so a run that
 * reached Spark would fail with Spark's own error instead.
 */
@Slow
class CommandLineTest {
  @TempDir Path tmp;

  record Outcome(int exit, String stdout, String stderr) {}

  Outcome run(String... args) throws Exception {
    Processes.Outcome o =
        Processes.job(null, JobArgs.none().sets("spark.default-master=no-such-master://x"))
            .args(args)
            .run(Duration.ofMinutes(2));
    return new Outcome(o.exit(), o.stdout(), o.stderr());
  }

  String[] valid(Path input, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--set",
                "input.path=" + input,
                "--set",
                "output.path=" + tmp.resolve("out"),
                "--set",
                "student.path=" + DemoStudent.DIR));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static void assertOneLine(Outcome o, String expected) {
    assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.stderr());
    assertEquals("naturalness: " + expected + "\n", o.stderr());
  }

  @Test
  void aMisspeltConfigKeyStopsTheJobBeforeSparkStarts() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    assertOneLine(
        run(valid(input, "--set", "scoring.windw.steps=3")),
        "config: unknown key 'naturalness.scoring.windw.steps'; known keys there: "
            + "[batch, exact-check-share, max-model-error-share, metrics, responses-per-group, sample-estimator, sample-steps, segmenter, window, windows]");
  }

  @Test
  void aMissingColumnStopsTheJobBeforeSparkStartsAndSaysWhichKeyToSet() throws Exception {
    List<Map<String, Object>> rows = Corpora.small();
    for (Map<String, Object> r : rows) {
      r.put("model", r.remove("teacher"));
    }
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", rows);
    assertOneLine(
        run(valid(input)),
        "input column 'teacher' is missing; found [prompt_id, prompt, response, correct, source, model]; set input.columns.teacher");
  }

  @Test
  void aMissingInputStopsTheJob() throws Exception {
    assertOneLine(
        run(valid(tmp.resolve("nothing-here"))),
        "input.path " + tmp.resolve("nothing-here") + " does not exist");
  }

  @Test
  void anInputOfBlankLinesSaysItHoldsNoRows() throws Exception {
    Path blank = Files.createDirectories(tmp.resolve("blank"));
    Files.writeString(blank.resolve("part-0.jsonl"), "\n\n   \n\t\n");
    Files.writeString(blank.resolve("part-1.json"), "  []\n");
    assertOneLine(
        run(valid(blank)),
        "input.path "
            + blank
            + " holds no rows: its 2 files hold only blank lines (or an empty JSON array)");
    // A first file of blank lines does not hide the columns of the next.
    Files.writeString(
        blank.resolve("part-2.jsonl"),
        Files.readString(Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small())));
    Outcome o = run(valid(blank));
    assertTrue(o.stderr().contains("no-such-master"), "the checks passed: " + o.stderr());
  }

  /**
   * An output inside the input would be read as corpus by the next run; an input inside the output
   * would be removed when the run claims it: both refused before Spark.
   */
  @Test
  void anOutputInsideTheInputOrAroundItIsRefused() throws Exception {
    Path corpus = Files.createDirectories(tmp.resolve("corpus"));
    Corpora.writeJsonLines(corpus, "c.jsonl", Corpora.small());
    Path inside = corpus.resolve("runs/one");
    assertOneLine(
        run(
            "--set",
            "input.path=" + corpus,
            "--set",
            "output.path=" + inside,
            "--set",
            "student.path=" + DemoStudent.DIR),
        "output.path "
            + inside
            + " is inside input.path "
            + corpus
            + ": a later run would read this run's outputs as its corpus; write the outputs"
            + " outside the input");
    assertOneLine(
        run(
            "--set",
            "input.path=" + corpus.resolve("c.jsonl"),
            "--set",
            "output.path=" + corpus,
            "--set",
            "student.path=" + DemoStudent.DIR),
        "input.path "
            + corpus.resolve("c.jsonl")
            + " is inside output.path "
            + corpus
            + ": the run would remove what it reads when it claims the output; write the outputs"
            + " elsewhere");
    assertFalse(Files.exists(inside), "nothing written");
  }

  /** A status file inside the output or the input would be swept by the claim or read as corpus. */
  @Test
  void aStatusFileInsideTheOutputOrTheInputIsRefused() throws Exception {
    Path corpus = Files.createDirectories(tmp.resolve("corpus"));
    Corpora.writeJsonLines(corpus, "c.jsonl", Corpora.small());
    Path output = tmp.resolve("run");
    for (Path status : List.of(output.resolve("status.json"), corpus.resolve("status.json"))) {
      String key = status.startsWith(output) ? "output.path " + output : "input.path " + corpus;
      assertOneLine(
          run(
              "--set",
              "input.path=" + corpus,
              "--set",
              "output.path=" + output,
              "--set",
              "student.path=" + DemoStudent.DIR,
              "--set",
              "progress.status-file=" + status),
          "progress.status-file "
              + status
              + " is inside "
              + key
              + ": keep the status file outside the run's input and output");
      assertFalse(Files.exists(status), "nothing written");
    }
  }

  @Test
  void anEmptyInputStopsTheJob() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("part-0.jsonl"), "");
    assertOneLine(run(valid(empty)), "input.path " + empty + " holds no data (no non-empty files)");
  }

  @Test
  void aMistypedColumnStopsTheJobBeforeSparkStarts() throws Exception {
    List<Map<String, Object>> rows = Corpora.small();
    rows.get(0).put("teacher", 7);
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", rows);
    assertOneLine(
        run(valid(input)),
        "input column 'teacher' (input.columns.teacher) has type number; expected string");
  }

  @Test
  void anOutputPathThatIsNotAnEarlierRunIsRefused() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("precious.txt"), "keep me");
    assertOneLine(
        run(valid(input)),
        "output.path "
            + out
            + " exists and is not the output of an earlier run; "
            + "choose another output.path or remove it");
    assertEquals("keep me", Files.readString(out.resolve("precious.txt")));
  }

  @Test
  void aStudentDirectoryMissingItsTokenizerStopsTheJob() throws Exception {
    Path student = Files.createDirectories(tmp.resolve("student"));
    for (String f : new String[] {"student.conf", "model.pt"}) {
      Files.copy(DemoStudent.DIR.resolve(f), student.resolve(f));
    }
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    assertOneLine(
        run(valid(input, "--set", "student.path=" + student)),
        "student directory " + student + " has no tokenizer.json");
  }

  @Test
  void aStudentWhoseModelFailsItsSha256StopsTheJob() throws Exception {
    Path student = Files.createDirectories(tmp.resolve("student"));
    for (String f : new String[] {"student.conf", "model.pt", "tokenizer.json"}) {
      Files.copy(DemoStudent.DIR.resolve(f), student.resolve(f));
    }
    Files.write(student.resolve("model.pt"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Outcome o = run(valid(input, "--set", "student.path=" + student));
    assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.stderr());
    assertTrue(
        o.stderr().startsWith("naturalness: " + student.resolve("model.pt") + " has sha256 "),
        o.stderr());
    assertTrue(o.stderr().endsWith("; the model file was changed or damaged\n"), o.stderr());
    assertEquals(1, o.stderr().lines().count());
  }

  @Test
  void aWrongTypeInTheConfigStopsTheJob() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    assertOneLine(
        run(valid(input, "--set", "scoring.batch.max-tokens=lots")),
        "config: naturalness.scoring.batch.max-tokens must be auto or a whole number, got string \"lots\"");
  }

  @Test
  void aStudentThatFailsItsChecksStopsTheJob() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Outcome o = run(valid(input, "--set", "student.path=" + tmp.resolve("no-student")));
    assertOneLine(
        o, "student directory " + tmp.resolve("no-student") + " does not exist; set student.path");
  }

  @Test
  void aDirectoryHoldingOnlyAFileNamedSummaryJsonIsNotTakenForAnEarlierRun() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("summary.json"), "{\"mine\": true}");
    Files.createDirectories(out.resolve("scores"));
    Files.writeString(out.resolve("scores/notes.txt"), "my notes");
    assertOneLine(
        run(valid(input)),
        "output.path "
            + out
            + " exists and is not the output of an earlier run; "
            + "choose another output.path or remove it");
    assertEquals("{\"mine\": true}", Files.readString(out.resolve("summary.json")));
    assertEquals("my notes", Files.readString(out.resolve("scores/notes.txt")));
  }

  @Test
  void aParquetInputWhoseLaterFileHasAnotherTypeStopsTheJobBeforeSparkStarts() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("parquet-in"));
    writeParquet(input.resolve("part-0.parquet"), "string");
    writeParquet(input.resolve("part-1.parquet"), "int");
    Outcome o = run(valid(input));
    assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.stderr());
    assertTrue(
        o.stderr()
            .startsWith(
                "naturalness: input column 'teacher' (input.columns.teacher) has type int32 in "),
        o.stderr());
    assertTrue(o.stderr().contains("part-1.parquet"), o.stderr());
    assertEquals(1, o.stderr().lines().count());
  }

  /**
   * A column the job reads that two files give two types (a label as boolean and as yes/no text, an
   * id as int64 and as text) is refused before Spark starts, in one line naming the column, both
   * types and a file of each.
   */
  @Test
  void aColumnThatTwoFilesGiveTwoTypesIsRefusedNamingBothBeforeSparkStarts() throws Exception {
    String[][] cases = {
      {
        "correct",
        "required boolean correct;",
        "required binary correct (UTF8);",
        "boolean",
        "string"
      },
      {
        "response_id",
        "required int64 response_id;",
        "required binary response_id (UTF8);",
        "int64",
        "string"
      }
    };
    for (String[] c : cases) {
      Path input = Files.createDirectories(tmp.resolve("clash-" + c[0]));
      writeParquetWith(input.resolve("part-0.parquet"), c[1], g -> appendFirst(g, c[0], c[3]));
      writeParquetWith(input.resolve("part-1.parquet"), c[2], g -> g.append(c[0], "yes"));
      Outcome o = run(valid(input));
      assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.stderr());
      assertEquals(1, o.stderr().lines().count(), o.stderr());
      assertTrue(
          o.stderr()
              .startsWith(
                  "naturalness: input column '"
                      + c[0]
                      + "' (input.columns."
                      + c[0]
                      + ") has type "
                      + c[3]
                      + " in "),
          o.stderr());
      assertTrue(
          o.stderr().contains("part-0.parquet and " + c[4] + " in ")
              && o.stderr().contains("part-1.parquet;"),
          o.stderr());
    }
  }

  private static void appendFirst(Group g, String column, String type) {
    if (type.equals("boolean")) {
      g.append(column, true);
    } else {
      g.append(column, 17L);
    }
  }

  /** A one-row Parquet file of a flat corpus with one more column, written without Spark. */
  static void writeParquetWith(Path file, String column, Consumer<Group> value) throws Exception {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message row { required binary prompt_id (UTF8); required binary prompt (UTF8);"
                + " required binary response (UTF8); required binary teacher (UTF8); "
                + column
                + " }");
    Configuration conf = new Configuration();
    GroupWriteSupport.setSchema(schema, conf);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
            .withConf(conf)
            .withType(schema)
            .build()) {
      Group g =
          new SimpleGroupFactory(schema)
              .newGroup()
              .append("prompt_id", "p1")
              .append("prompt", "Add 2 and 3.")
              .append("response", "2 + 3 = 5.")
              .append("teacher", "t");
      value.accept(g);
      writer.write(g);
    }
  }

  /** A one-row Parquet file whose teacher column has the given type, written without Spark. */
  static void writeParquet(Path file, String teacherType) throws Exception {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message row { required binary prompt_id (UTF8); required binary prompt (UTF8); required binary response (UTF8); "
                + (teacherType.equals("int")
                    ? "required int32 teacher;"
                    : "required binary teacher (UTF8);")
                + " }");
    Configuration conf = new Configuration();
    GroupWriteSupport.setSchema(schema, conf);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
            .withConf(conf)
            .withType(schema)
            .build()) {
      Group g =
          new SimpleGroupFactory(schema)
              .newGroup()
              .append("prompt_id", "p1")
              .append("prompt", "Add 2 and 3.")
              .append("response", "2 + 3 = 5.");
      if (teacherType.equals("int")) {
        g.append("teacher", 7);
      } else {
        g.append("teacher", "t");
      }
      writer.write(g);
    }
  }

  /**
   * A run started by a launcher keeps its S3 keys off every command line: read back from
   * /proc/PID/cmdline of the running JVM (which any user of the machine can read), whatever the
   * spelling; the job reads them from its environment, and neither its log nor its outputs show
   * them.
   */
  @Test
  void s3KeysNeverReachTheRunningJvmsCommandLine() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.demoSlice(40));
    Path out = tmp.resolve("run");
    Processes.Running running =
        Processes.command(
                "submit/local.sh",
                "--set",
                "input.path=" + input,
                "--set",
                "output.path=" + out,
                "--set",
                "s3={access-key=AKIAPROCFILE, secret-key=proc-secret-one}",
                "--set=s3.\"secret-key\"=proc-secret-two")
            .unsetEnv("NATURALNESS_CLASSPATH")
            .start();
    List<String> seen = new ArrayList<>();
    long until = System.currentTimeMillis() + 120_000;
    while (running.process().isAlive() && System.currentTimeMillis() < until) {
      // local.sh execs the JVM: its process id is the script's.
      Path cmdline = Path.of("/proc", String.valueOf(running.process().pid()), "cmdline");
      if (Files.exists(cmdline)) {
        String args = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
        if (args.contains("SparkSubmit")) {
          seen.add(args.replace('\0', ' '));
        }
      }
      Thread.sleep(250);
    }
    Processes.Outcome o = running.await(Duration.ofMinutes(3));
    assertEquals(0, o.exit(), o.output());
    assertTrue(!seen.isEmpty(), "the JVM's command line was never read");
    for (String args : seen) {
      for (String secret : List.of("AKIAPROCFILE", "proc-secret-one", "proc-secret-two")) {
        assertTrue(!args.contains(secret), "the JVM's command line holds " + secret + ": " + args);
      }
      assertTrue(!args.contains("input.path"), "no job argument on the command line: " + args);
    }
    String summary = Files.readString(out.resolve("summary.json"));
    for (String secret : List.of("AKIAPROCFILE", "proc-secret-one", "proc-secret-two")) {
      assertTrue(!o.output().contains(secret), "the log holds " + secret);
      assertTrue(!summary.contains(secret), "summary.json holds " + secret);
    }
  }
}
