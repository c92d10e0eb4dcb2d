package dev.naturalness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.export.ExportFormat;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.ResponseTemplate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir Path tmp;

  static Settings.Job load(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set", "input.path=in", "--set", "output.path=out", "--set", "student.path=st"));
    args.addAll(List.of(extra));
    return SettingsLoader.fromArgs(args.toArray(new String[0]));
  }

  static String error(String... args) {
    ConfigError e = assertThrows(ConfigError.class, () -> load(args));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void defaultsComeFromReferenceConf() {
    Settings.Job s = load();
    assertEquals("auto", s.input().format());
    assertEquals("teacher", s.input().columns().teacher());
    assertEquals(List.of(WindowRule.Fraction.of("0.25")), s.scoring().windows());
    assertTrue(s.scoring().includePrompt());
    assertEquals(EnumSet.allOf(Metric.class), s.scoring().metrics());
    assertEquals(0, s.scoring().sampleSteps());
    assertEquals(
        List.of("st"),
        s.student().paths().stream().map(p -> Path.of(p).getFileName().toString()).toList());
    assertEquals(1, s.select().topK());
    assertTrue(s.resolvedJson().contains("\"segmenter\" : \"paragraph\""), s.resolvedJson());
  }

  @Test
  void commandLineWinsOverConfigFilesAndLaterFilesWinOverEarlier() throws IOException {
    Path a =
        Files.writeString(
            tmp.resolve("a.conf"),
            "naturalness.select.top-k = 2\nnaturalness.scoring.segmenter = line\n");
    Path b = Files.writeString(tmp.resolve("b.conf"), "naturalness { select.top-k = 3 }\n");
    Settings.Job s =
        load(
            "--config",
            a.toString(),
            "--config",
            b.toString(),
            "--set",
            "scoring.segmenter=sentence");
    assertEquals(3, s.select().topK());
    assertEquals("sentence", s.scoring().segmenter());
  }

  @Test
  void pathsWithSchemesAndColumnMappingsPassThroughSet() {
    Settings.Job s =
        load(
            "--set",
            "input.path=s3a://bucket/corpus/part-*.parquet",
            "--set",
            "input.columns.teacher=model");
    assertEquals("s3a://bucket/corpus/part-*.parquet", s.input().path());
    assertEquals("model", s.input().columns().teacher());
  }

  @Test
  void windowStepsReplaceTheDefaultFractionAndFractionsStayDecimal() {
    assertEquals(
        new WindowRule.Steps(4),
        load("--set", "scoring.window.steps=4").scoring().windows().get(0));
    WindowRule w = load("--set", "scoring.window.fraction=0.05").scoring().windows().get(0);
    assertEquals(1, w.window(21));
  }

  @Test
  void aMisspeltKeyStopsWithOneLineNamingIt() {
    assertEquals(
        "config: unknown key 'naturalness.select.top_k'; known keys there: [require, require-correct, top-k]",
        error("--set", "select.top_k=2"));
  }

  @Test
  void aKeyOutsideTheRootInAConfigFileIsUnknown() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.conf"), "naturalnes.input.path = x\n");
    assertTrue(error("--config", f.toString()).startsWith("config: unknown key 'naturalnes'"));
  }

  @Test
  void aWrongTypeStopsWithOneLineNamingTheKey() {
    assertEquals(
        "config: naturalness.select.top-k must be a whole number, got string \"many\"",
        error("--set", "select.top-k=many"));
    assertEquals(
        "config: naturalness.output.step-scores must be true or false, got string \"perhaps\"",
        error("--set", "output.step-scores=perhaps"));
  }

  /** A seed past the long range, or with a fraction, is refused, not saturated or truncated. */
  @Test
  void aSeedOutsideTheLongRangeIsRefusedNotSaturated() {
    String range = " must be a whole number from -9223372036854775808 to 9223372036854775807, got ";
    assertEquals(
        "config: naturalness.output.export-test-seed"
            + range
            + "string \"99999999999999999999999\"",
        error("--set", "output.export-test-seed=99999999999999999999999"));
    assertEquals(
        "config: naturalness.teachers.seed" + range + "string \"1.5\"",
        error("--set", "teachers.seed=1.5"));
    assertEquals(
        Long.MAX_VALUE,
        load("--set", "output.export-test-seed=9223372036854775807").output().exportTestSeed());
    assertEquals(-7, load("--set", "teachers.seed=-7").teachers().seed());
  }

  @Test
  void aMissingRequiredValueStopsWithOneLineNamingTheKey() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                SettingsLoader.fromArgs(
                    new String[] {"--set", "input.path=x", "--set", "student.path=y"}));
    assertEquals(
        "config: naturalness.output.path is required; set it with --set output.path=... or in a --config file",
        e.getMessage());
  }

  @Test
  void batchTokensAreAutoByDefaultOrAWholeNumber() {
    assertEquals(new Settings.BatchSize.Auto(), load().scoring().batching().batch(), "auto");
    assertEquals(
        new Settings.BatchSize.Auto(),
        load("--set", "scoring.batch.max-tokens=AUTO").scoring().batching().batch());
    assertEquals(
        new Settings.BatchSize.Fixed(65536),
        load("--set", "scoring.batch.max-tokens=65536").scoring().batching().batch());
    assertEquals(
        "config: naturalness.scoring.batch.max-tokens must be auto or a whole number, got string \"lots\"",
        error("--set", "scoring.batch.max-tokens=lots"));
    assertEquals(
        "config: naturalness.scoring.batch.max-tokens must be auto or >= 2, got 1",
        error("--set", "scoring.batch.max-tokens=1"));
  }

  @Test
  void badValuesAreRefusedByName() {
    assertTrue(
        error("--set", "input.format=csv")
            .startsWith("config: naturalness.input.format = 'csv' is not one of"));
    assertTrue(
        error("--set", "scoring.window.fraction=1.5")
            .contains("naturalness.scoring.window.fraction must be in [0, 1]"));
    assertTrue(
        error("--set", "scoring.metrics=[lalp, bleu]")
            .contains("naturalness.scoring.metrics holds 'bleu'"));
    assertTrue(error("--set", "select.top-k=0").contains("naturalness.select.top-k must be >= 1"));
    assertTrue(
        error("--set", "scoring.window.steps=2", "--set", "scoring.window.fraction=0.1")
            .contains("set only one of"));
    assertTrue(
        error("--config", "/no/such.conf").startsWith("--config /no/such.conf: no such file"));
    assertTrue(error("stray").startsWith("unknown argument 'stray'"));
  }

  @Test
  void
      relativePathsOnTheCommandLineResolveAgainstTheWorkingDirectoryAndInAConfigFileAgainstTheFile()
          throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("confs"));
    Path conf =
        Files.writeString(
            dir.resolve("run.conf"),
            "naturalness { input.path = \"../data/corpus.jsonl\", incremental.cache = cache, output.publish-pointer = \"s3a://b/LATEST\" }\n");
    Settings.Job s =
        SettingsLoader.fromArgs(
            new String[] {
              "--config",
              conf.toString(),
              "--set",
              "output.path=out/run",
              "--set",
              "student.path=/models/student"
            });
    Path cwd = Path.of("").toAbsolutePath();
    assertEquals(tmp.resolve("data/corpus.jsonl").toString(), s.input().path());
    assertEquals(dir.resolve("cache").toString(), s.incremental().cache());
    assertEquals(cwd.resolve("out/run").toString(), s.output().path());
    assertEquals(List.of("/models/student"), s.student().paths());
    assertEquals("s3a://b/LATEST", s.output().publishPointer());
  }

  @Test
  void aSecretIsNeverEchoedInAnError() {
    String message =
        error("--set", "s3.access-key=AKIA-visible", "--set", "s3.secret-key=[hunter2-secret]");
    assertFalse(message.contains("hunter2"), message);
    assertTrue(message.contains("s3.secret-key"), message);
  }

  @Test
  void anExactCheckIsAShareOfASampledRun() {
    assertEquals(0.0, load().scoring().exactCheckShare());
    assertEquals(
        0.1,
        load("--set", "scoring.sample-steps=4", "--set", "scoring.exact-check-share=0.1")
            .scoring()
            .exactCheckShare());
    assertEquals(
        "config: naturalness.scoring.exact-check-share must be in [0, 1], got 1.5",
        error("--set", "scoring.sample-steps=4", "--set", "scoring.exact-check-share=1.5"));
    assertEquals(
        "config: naturalness.scoring.exact-check-share = 0.1 checks sampled scores against exact"
            + " ones, but naturalness.scoring.sample-steps = 0 scores every step already: set"
            + " sample-steps, or the share to 0",
        error("--set", "scoring.exact-check-share=0.1"));
  }

  @Test
  void aSampleOfOneStepIsRefusedBecauseAStandardErrorNeedsTwo() {
    assertEquals(
        "config: naturalness.scoring.sample-steps = 1; a standard error needs two sampled steps:"
            + " use 0 (every step) or at least 2",
        error("--set", "scoring.sample-steps=1"));
    assertEquals(2, load("--set", "scoring.sample-steps=2").scoring().sampleSteps());
  }

  @Test
  void aWindowOfMoreStepsThanAnIntHoldsIsRefusedAsTooLargeNotAsNoNumber() {
    String message = error("--set", "scoring.windows=[\"steps=99999999999\"]");
    assertTrue(message.contains("asks for more steps than a window can hold"), message);
    assertTrue(message.contains("2147483647"), message);
    assertTrue(error("--set", "scoring.windows=[\"steps=x\"]").contains("has no number after '='"));
  }

  @Test
  void aSecretCutByAnUnquotedHashInAConfigFileIsRefusedWithoutShowingIt() throws IOException {
    Path conf =
        Files.writeString(
            tmp.resolve("s3.conf"),
            "naturalness.s3 {\n  access-key = AKIAEXAMPLE\n  secret-key = abc#defSECRET\n}\n");
    String message = error("--config", conf.toString());
    assertTrue(message.contains("line 3: s3.secret-key is cut"), message);
    assertTrue(message.contains("double quotes"), message);
    assertFalse(message.contains("abc"), message);
    Path quoted =
        Files.writeString(
            tmp.resolve("quoted.conf"),
            "naturalness.s3 {\n  access-key = AKIAEXAMPLE\n  secret-key = \"abc#def//x\"\n}\n");
    assertEquals("abc#def//x", load("--config", quoted.toString()).s3().secretKey());
  }

  @Test
  void credentialProvidersBecomeHadoopsProviderPath() {
    Settings.S3 s3 = load("--set", "s3.credential-providers=jceks://file/tmp/s3.jceks").s3();
    assertEquals(
        "jceks://file/tmp/s3.jceks",
        s3.hadoopSettings().get("hadoop.security.credential.provider.path"));
    assertFalse(s3.hadoopSettings().containsKey("fs.s3a.secret.key"));
    assertEquals("NATURALNESS_S3_SECRET_KEY", ConfigKeys.secretVariable("s3.secret-key"));
  }

  @Test
  void publishedShapesAreReadFromTheirKeys() throws IOException {
    Path f =
        Files.writeString(
            tmp.resolve("s1k.conf"),
            """
            naturalness.input {
              shape = wide
              columns.prompt = question
              response-template = "<think>\\n{thinking}\\n</think>\\n\\n{attempt}"
              teachers {
                deepseek-r1 { response = [deepseek_thinking_trajectory, deepseek_attempt], correct = deepseek_grade }
                gemini { response = [gemini_thinking_trajectory, gemini_attempt] }
              }
              teacher-families { "deepseek-r1" = qwen2 }
            }
            naturalness.select.require = [correct, complete, unique-response]
            naturalness.output.export = [messages, Pairs]
            """);
    Settings.Job s = load("--config", f.toString());
    assertEquals(Settings.Shape.WIDE, s.input().shape());
    assertEquals(
        List.of("deepseek_thinking_trajectory", "deepseek_attempt"),
        s.input().teachers().get("deepseek-r1").response());
    assertEquals("deepseek_grade", s.input().teachers().get("deepseek-r1").correct());
    assertEquals("", s.input().teachers().get("gemini").correct());
    assertEquals("<think>\n{thinking}\n</think>\n\n{attempt}", s.input().responseTemplate());
    assertEquals(Map.of("deepseek-r1", "qwen2"), s.input().teacherFamilies());
    assertEquals(
        Set.of(RowFlag.INCORRECT, RowFlag.CUT_OFF, RowFlag.DUPLICATE_RESPONSE),
        s.select().require());
    assertEquals(List.of(ExportFormat.MESSAGES, ExportFormat.PAIRS), s.output().export());
    Settings.Job generations =
        load(
            "--set",
            "input.shape=generations",
            "--set",
            "input.generations.correct=[correctness_math_verify, correctness_llama]",
            "--set",
            "input.generations.complete=is_reasoning_complete");
    assertEquals(
        List.of("correctness_math_verify", "correctness_llama"),
        generations.input().generations().correct());
    assertEquals("any", generations.input().generations().correctRule());
    assertTrue(load("--set", "select.require-correct=false").select().require().isEmpty());
    assertEquals(
        "{reasoning}\n\n{answer}",
        load(
                "--set",
                "input.columns.response=[reasoning, answer]",
                "--set",
                "input.response-template={reasoning}\n\n{answer}")
            .input()
            .responseTemplate(),
        "a template given unquoted on the command line stays a string");
  }

  @Test
  void aShapeThatCannotBeRightIsRefusedByName() {
    assertTrue(
        error("--set", "input.shape=wide")
            .startsWith("config: input.shape = wide needs input.teachers"));
    assertTrue(
        error("--set", "input.shape=rows").startsWith("config: naturalness.input.shape = 'rows'"));
    assertEquals(
        "config: naturalness.input.response-template has 2 placeholder(s) but"
            + " naturalness.input.columns.response names 1 column(s); each column fills one {name},"
            + " in order (or a {name} names its column)",
        error("--set", "input.response-template=\"{a}\\n\\n{b}\""));
    assertEquals(
        "config: naturalness.input.response-template has 1 placeholder(s) but"
            + " naturalness.input.teachers.r1.response names 2 column(s); each column fills one"
            + " {name}, in order (or a {name} names its column)",
        error(
            "--set",
            "input.shape=wide",
            "--set",
            "input.response-template={all}",
            "--set",
            "input.teachers.r1.response=[a, b]"));
    assertEquals(
        "config: unknown key 'input.teachers.r1.grade'; known keys there: [correct, response,"
            + " response-template, teacher]",
        error("--set", "input.shape=wide", "--set", "input.teachers.r1={response = a, grade = g}"));
    assertTrue(
        error("--set", "output.export=[jsonl]")
            .startsWith("config: naturalness.output.export holds 'jsonl'; expected any of"));
    assertTrue(
        error("--set", "select.require=[correct, verified]")
            .startsWith("config: naturalness.select.require holds 'verified'"));
    assertEquals(
        "config: naturalness.scoring.segmenter = column reads each response's steps from a column"
            + " of its row, which only input.shape = flat has (input.shape = messages)",
        error("--set", "input.shape=messages", "--set", "scoring.segmenter=column"));
  }

  @Test
  void aQuotedSetValueIsAHoconStringAndAnUnquotedOneStaysAsWritten() {
    Settings.Job quoted =
        load(
            "--set",
            "input.columns.response = [reasoning, answer]",
            "--set",
            "input.response-template = \"<think>\\n{reasoning}\\n</think>\\n\\n{answer}\"");
    assertEquals(
        "<think>\n{reasoning}\n</think>\n\n{answer}",
        quoted.input().responseTemplate(),
        "the quotes are HOCON's and \\n is a line break");
    Settings.Job raw =
        load(
            "--set",
            "input.columns.response=[reasoning, answer]",
            "--set",
            "input.response-template=<think>\\n{reasoning}\\n</think>{answer}");
    assertEquals(
        "<think>\\n{reasoning}\\n</think>{answer}",
        raw.input().responseTemplate(),
        "unquoted: a backslash and an n, as written");
    assertEquals(
        "/data/run #1",
        Path.of(load("--set", "output.path =  /data/run #1  ").output().path()).toString(),
        "surrounding spaces dropped, a # kept");
    assertTrue(
        error("--set", "input.teacher=\"a\" [1]").startsWith("--set input.teacher: "),
        "a quoted value that is not one string is refused");
    assertEquals(
        List.of(
            "naturalness.input.path = \"" + Path.of("in").toAbsolutePath() + "\"",
            "naturalness.input.response-template = \"a\\nb\"",
            "naturalness.s3.secret-key = ***"),
        CommandLine.shownValues(
            new String[] {
              "--set",
              "input.path=in",
              "--set",
              "input.response-template=\"a\\nb\"",
              "--set",
              "s3.secret-key=hunter2"
            }));
  }

  @Test
  void aWideTeacherMayJoinItsColumnsWithATemplateOfItsOwnFilledByName() {
    Settings.Job s =
        load(
            "--set",
            "input.shape=wide",
            "--set",
            "input.response-template={a}{b}",
            "--set",
            "input.teachers={x {response = [answer, thinking], response-template ="
                + " \"<think>{thinking}</think>{answer}\"}, y {response = [p, q]}, z {response ="
                + " solution, response-template = \"\"}}");
    assertEquals(
        "<think>{thinking}</think>{answer}", s.input().teachers().get("x").responseTemplate());
    assertEquals("{a}{b}", s.input().teachers().get("y").responseTemplate());
    assertEquals("", s.input().teachers().get("z").responseTemplate());
    assertEquals(
        List.of("thinking", "answer"),
        ResponseTemplate.columnsInOrder(
            s.input().teachers().get("x").responseTemplate(), List.of("answer", "thinking")));
    assertEquals(
        "shape=wide;response-template={a}{b};response-template[x]=<think>{thinking}</think>{answer};"
            + "response-template[z]=",
        s.input().form(),
        "each template is part of what is scored");
    assertEquals(
        "config: naturalness.input.teachers.x.response-template names columns but has no"
            + " placeholder for [extra] of naturalness.input.teachers.x.response",
        error(
            "--set",
            "input.shape=wide",
            "--set",
            "input.teachers={x {response = [answer, thinking, extra], response-template ="
                + " \"{thinking}{answer}\"}}"));
  }

  @Test
  void thinkMarkersAreMarkerReplacementPairsReadFromAFileOrTheCommandLine() throws IOException {
    Path f =
        Files.writeString(
            tmp.resolve("sky.conf"),
            """
            naturalness.input.think-markers {
              "<|begin_of_thought|>\\n\\n" = "<think>\\n"
              "<|end_of_solution|>" = ""
            }
            """);
    Settings.Job s = load("--config", f.toString());
    assertEquals(
        Map.of("<|begin_of_thought|>\n\n", "<think>\n", "<|end_of_solution|>", ""),
        s.input().thinkMarkers());
    assertTrue(s.input().form().contains("think-markers="), s.input().form());
    assertEquals("", load().input().form(), "no markers, nothing in the score definition");
    Settings.Job set = load("--set", "input.think-markers={\"<|end_of_thought|>\" = \"</think>\"}");
    assertEquals(Map.of("<|end_of_thought|>", "</think>"), set.input().thinkMarkers());
  }

  @Test
  void onlyAValueTakenAsWrittenIsWarnedOfABackslashAndAnN() {
    String markers =
        warnings("--set", "input.think-markers={\"<|begin_of_thought|>\\n\" = \"<think>\\n\"}");
    assertEquals("", markers, "a section's quoted strings read \\n as a line break");
    String template =
        warnings(
            "--set",
            "input.columns.response=[reasoning, answer]",
            "--set",
            "input.response-template=<think>\\n{reasoning}{answer}");
    assertTrue(
        template.contains("--set input.response-template holds a backslash and an n"), template);
  }

  /** What loading these arguments writes to standard error. */
  static String warnings(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      load(args);
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void thinkMarkersThatCannotBeRightAreRefusedByName() {
    assertTrue(
        error("--set", "input.think-markers={\"<|a|>\" = [x]}")
            .contains("naturalness.input.think-markers.\"<|a|>\" must be a non-empty marker"));
    assertTrue(
        error("--set", "input.think-markers={\"\" = x}")
            .contains("naturalness.input.think-markers.\"\" must be a non-empty marker"));
    String stepEnds =
        error("--set", "input.think-markers={a = b}", "--set", "scoring.segmenter=step-ends");
    assertTrue(
        stepEnds.contains("naturalness.input.think-markers cannot be used with scoring.segmenter"),
        stepEnds);
    assertTrue(error("--set", "input.think-markers=sky-t1").contains("input.think-markers"));
  }
}
