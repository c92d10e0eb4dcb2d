package dev.naturalness.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work area's key and its life: kept for the same corpus, removed for another. */
class ResumeAreaTest {
  @TempDir Path tmp;
  final Configuration hadoop = new Configuration();

  String key(Path corpus) throws Exception {
    return ResumeArea.corpusKey(List.of(corpus.toString()), hadoop);
  }

  /** A committed task file, as a task leaves it. */
  Path commit(Path output, String name) throws Exception {
    Path file = output.resolve(ResumeArea.DIRECTORY).resolve(ResumeArea.PARTS).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "rows");
    return file;
  }

  @Test
  void theKeyChangesWhenTheCorpusIsRewrittenAndOnlyThen() throws Exception {
    Path corpus = Files.writeString(tmp.resolve("c.jsonl"), "{\"a\": 1}\n");
    String first = key(corpus);
    assertEquals(first, key(corpus));
    Files.setLastModifiedTime(corpus, FileTime.fromMillis(1_000_000));
    assertNotEquals(first, key(corpus), "a file touched since");
    String touched = key(corpus);
    Files.writeString(corpus, "{\"a\": 2}\n{\"a\": 3}\n");
    Files.setLastModifiedTime(corpus, FileTime.fromMillis(1_000_000));
    assertNotEquals(touched, key(corpus), "a file of another size");
  }

  @Test
  void aRerunOfTheSameCorpusFindsTheCommittedFilesAndNothingHalfWritten() throws Exception {
    Path output = tmp.resolve("out");
    ResumeArea area = new ResumeArea(output.toString(), hadoop);
    List<String> told = new ArrayList<>();
    assertEquals(List.of(), area.open("k1", true, told::add));
    Path done = commit(output, "run-a-s0-p00001-st3-a0.parquet");
    Path staging = output.resolve(ResumeArea.DIRECTORY).resolve(ResumeArea.STAGING);
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("run-a-s0-p00002-st3-a0.parquet"), "half");
    List<String> found = area.open("k1", true, told::add);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).endsWith(done.getFileName().toString()), found.toString());
    assertEquals(List.of(), told);
  }

  @Test
  void anAreaOfAnotherCorpusIsRemovedByARunAndLeftByAPlan() throws Exception {
    Path output = tmp.resolve("out");
    ResumeArea area = new ResumeArea(output.toString(), hadoop);
    area.open("old", true, s -> {});
    Path file = commit(output, "run-a-s0-p00001-st3-a0.parquet");
    List<String> told = new ArrayList<>();
    assertEquals(List.of(), area.open("new", false, told::add));
    assertTrue(Files.exists(file), "a plan leaves it");
    assertTrue(told.get(0).contains("another corpus"), told.toString());
    assertEquals(List.of(), area.open("new", true, told::add));
    assertFalse(Files.exists(file), "a run removes it");
    assertTrue(told.get(1).contains("removed, nothing of it is reused"), told.toString());
    assertEquals(List.of(), area.open("new", true, told::add), "the new run's own area");
    area.remove(told::add);
    assertFalse(Files.exists(output.resolve(ResumeArea.DIRECTORY)));
  }

  @Test
  void taskFileNamesAreUniqueToRunStudentPartitionStageAndAttempt() {
    ResumeArea area = new ResumeArea(tmp.toString(), hadoop);
    ResumeArea.Target a = area.target("r1", 0);
    assertEquals("run-r1-s0-p00007-st12-a1.parquet", a.file(7, 12, 1));
    assertNotEquals(a.file(7, 12, 1), area.target("r1", 1).file(7, 12, 1));
    assertNotEquals(a.file(7, 12, 1), area.target("r2", 0).file(7, 12, 1));
  }
}
