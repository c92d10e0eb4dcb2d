package dev.naturalness.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.config.SettingsLoader;
import dev.naturalness.model.Student;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.Packer;
import dev.naturalness.scoring.PlannedSequences;
import dev.naturalness.scoring.ResponsePlan;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.ScoringOptions;
import dev.naturalness.scoring.WindowPlanner;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.Segmenter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Measures scoring throughput on one student and one corpus, every leg in the same process, so that
 * the ratios compare like with like on a noisy machine:
 *
 * <ol>
 *   <li>(a) the bare forward pass on exactly the tokens the exact plan needs, packed into full rows
 *       with no padding: the limit;
 *   <li>(b) the scorer (tokenize, segment, plan, pack, forward, log-softmax and gather, read back)
 *       on the same corpus, in useful tokens per second;
 *   <li>(c) the naive way: one right-padded sequence per step window (and one for GALP), fixed
 *       batches of {@code --naive-batch} in corpus order, log-softmax and gather on the device (its
 *       time leaves out tokenizing and planning, which (b) includes);
 *   <li>(d) the whole Spark job (local mode) on the same corpus: wall time against its scoring
 *       stage.
 * </ol>
 *
 * Each run measures every leg once; ratios are taken within a run and reported as min / median /
 * max over the runs. Usage: {@code submit/benchmark.sh [--student DIR] [--corpus FILE.jsonl]
 * [--rows N] [--runs N] [--window fraction=0.25|steps=4] [--naive-batch N] [--legs a,b,c,d]}.
 */
public final class ThroughputBenchmark {
  private record Args(
      Path student,
      Path corpus,
      int rows,
      int runs,
      List<String> windows,
      int naiveBatch,
      String legs,
      int batchTokens,
      int rowTokens,
      Path work) {}

  /** One row of the corpus. */
  private record Row(String line, String prompt, String response) {}

  /** One run's figures for one window. */
  private record Figures(
      long sequenceTokens,
      long planTokens,
      double forwardSeconds,
      long usefulTokens,
      long scorerBatchTokens,
      double scorerSeconds,
      double scorerModelSeconds,
      double scorerBatchesForwardSeconds,
      long naiveTokens,
      long naiveBatchTokens,
      double naiveSeconds,
      double maxLalpDifference,
      double jobWallSeconds,
      double jobScoreSeconds,
      double jobReportSeconds) {}

  /**
   * The summary key under which {@link #runJob} adds the wall time it measured around the whole
   * job.
   */
  private static final String MEASURED_WALL = "benchmark_wall_seconds";

  /** Rows every leg runs once before anything is timed. */
  private static final int WARM_UP_ROWS = 32;

  private ThroughputBenchmark() {}

  public static void main(String[] argv) throws IOException {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Args args = parse(argv);
    List<Row> corpus = readCorpus(args.corpus(), args.rows());
    try (Student student = Student.load(args.student(), Device.cpu())) {
      ResponsePreparer preparer =
          new ResponsePreparer(
              new PromptTemplate(student.manifest().promptTemplate()),
              Segmenter.named("paragraph"),
              student.tokenizer(),
              student.manifest().bosId());
      System.out.printf(
          Locale.ROOT,
          "student %s (%s), corpus %s: %d rows, batches of %d tokens in %d-token rows, %d runs%n",
          student.manifest().name(),
          args.student(),
          args.corpus(),
          corpus.size(),
          args.batchTokens(),
          args.rowTokens(),
          args.runs());
      SparkSession spark = args.legs().contains("d") ? session() : null;
      try {
        for (String window : args.windows()) {
          ScoringOptions options = options(student, window, args);
          warmUp(corpus, preparer, options, student, args);
          if (spark != null) {
            // Spark's first jobs in a JVM load and compile their code: warm that up as well, on the
            // same rows as the scorer's warm-up (on 8 rows, the first timed job still paid 2-3 s
            // more).
            runJob(
                spark,
                args,
                corpus.subList(0, Math.min(corpus.size(), WARM_UP_ROWS)),
                window,
                "warm-up");
          }
          List<Figures> runs = new ArrayList<>();
          for (int run = 0; run < args.runs(); run++) {
            runs.add(measure(args, corpus, student, preparer, options, window, run, spark));
            System.out.printf(
                Locale.ROOT, "  window %s, run %d of %d done%n", window, run + 1, args.runs());
          }
          print(window, args, runs);
        }
      } finally {
        if (spark != null) {
          spark.stop();
        }
      }
    }
  }

  /**
   * TorchScript profiles and optimises a graph on its first calls, and libtorch grows its memory
   * pools; both happen here, before anything is timed.
   */
  private static void warmUp(
      List<Row> corpus,
      ResponsePreparer preparer,
      ScoringOptions options,
      Student student,
      Args args) {
    List<PreparedResponse> some = new ArrayList<>();
    for (Row r : corpus.subList(0, Math.min(corpus.size(), WARM_UP_ROWS))) {
      some.add(preparer.prepare(r.prompt(), r.response(), null));
    }
    new ResponseScorer(options, student.model()).score(some);
    WindowPlanner planner = new WindowPlanner(options);
    List<long[]> planned = new ArrayList<>();
    for (PreparedResponse p : some) {
      planned.addAll(planner.plan(p).sequences());
    }
    for (PackedBatch b :
        fullRows(planned, args.rowTokens(), Math.max(1, args.batchTokens() / args.rowTokens()))) {
      student.model().forwardOnly(b);
    }
    student
        .model()
        .nextTokenLogProbs(
            rightPadded(planned.subList(0, Math.min(planned.size(), args.naiveBatch()))));
  }

  private static Figures measure(
      Args args,
      List<Row> corpus,
      Student student,
      ResponsePreparer preparer,
      ScoringOptions options,
      String window,
      int run,
      SparkSession spark)
      throws IOException {
    String legs = args.legs();
    // (b) the scorer, as a scoring task runs it: longest rows first, in groups of 64 responses.
    long t = System.nanoTime();
    List<PreparedResponse> prepared = new ArrayList<>();
    for (Row r : corpus) {
      prepared.add(preparer.prepare(r.prompt(), r.response(), null));
    }
    List<PreparedResponse> ordered = new ArrayList<>(prepared);
    ordered.sort(
        Comparator.comparingInt(
                (PreparedResponse p) -> p.prefixIds().length + p.responseIds().length)
            .reversed());
    ResponseScorer scorer = new ResponseScorer(options, student.model());
    List<ResponseScore> scores = new ArrayList<>();
    long useful = 0;
    double scorerSeconds = Double.NaN;
    if (legs.contains("b") || legs.contains("c")) {
      for (int from = 0; from < ordered.size(); from += 64) {
        scores.addAll(scorer.score(ordered.subList(from, Math.min(ordered.size(), from + 64))));
      }
      scorerSeconds = seconds(t);
      useful = scorer.usefulTokens();
    }

    // The batches the scorer builds, again, and the tokens they compute (no padding): the prompt
    // is computed once for the sequences that share it, so these are what the exact plan needs.
    WindowPlanner planner = new WindowPlanner(options);
    Packer packer = new Packer(options);
    List<PackedBatch> scorerBatches = new ArrayList<>();
    long sequenceTokens = 0;
    for (int from = 0; from < ordered.size(); from += 64) {
      List<ResponsePlan> plans = new ArrayList<>();
      for (PreparedResponse p : ordered.subList(from, Math.min(ordered.size(), from + 64))) {
        plans.add(planner.plan(p));
        sequenceTokens += plans.get(plans.size() - 1).plannedTokens();
      }
      PlannedSequences group = PlannedSequences.of(plans);
      scorerBatches.addAll(
          packer.pack(group.sequences(), group.sharedGroup(), group.sharedPrefix()));
    }
    List<long[]> planned = computedPieces(scorerBatches);

    // Where (b)'s time goes: the bare forward pass on the very batches the scorer built.
    double scorerBatchesForward = Double.NaN;
    if (legs.contains("a") && legs.contains("b")) {
      t = System.nanoTime();
      for (PackedBatch b : scorerBatches) {
        student.model().forwardOnly(b);
      }
      scorerBatchesForward = seconds(t);
    }

    // (a) the bare forward pass on the exact plan's tokens, in full rows.
    long planTokens = planned.stream().mapToLong(s -> s.length).sum();
    double forwardSeconds = Double.NaN;
    if (legs.contains("a")) {
      List<PackedBatch> full =
          fullRows(planned, args.rowTokens(), Math.max(1, args.batchTokens() / args.rowTokens()));
      t = System.nanoTime();
      for (PackedBatch b : full) {
        student.model().forwardOnly(b);
      }
      forwardSeconds = seconds(t);
    }

    // (c) the naive way, and a check that it computes the same LALP.
    long naiveTokens = 0;
    long naiveBatchTokens = 0;
    double naiveSeconds = Double.NaN;
    double maxDifference = Double.NaN;
    if (legs.contains("c")) {
      WindowPlanner literal = new WindowPlanner(options.withExecution(false, false));
      List<ResponsePlan> plans = new ArrayList<>();
      List<long[]> sequences = new ArrayList<>();
      // In corpus order, as a script reading the file would batch them.
      for (PreparedResponse p : prepared) {
        ResponsePlan plan = literal.plan(p);
        plans.add(plan);
        sequences.addAll(plan.sequences());
      }
      t = System.nanoTime();
      float[][] logProbs = new float[sequences.size()][];
      for (int from = 0; from < sequences.size(); from += args.naiveBatch()) {
        List<long[]> batch =
            sequences.subList(from, Math.min(sequences.size(), from + args.naiveBatch()));
        PackedBatch padded = rightPadded(batch);
        float[] out = student.model().nextTokenLogProbs(padded);
        naiveBatchTokens += (long) padded.rows() * padded.length();
        for (PackedBatch.Placement p : padded.placements()) {
          float[] lp = new float[p.size()];
          System.arraycopy(out, p.row() * padded.length(), lp, 1, p.size() - 1);
          logProbs[from + p.sequence()] = lp;
        }
      }
      naiveSeconds = seconds(t);
      naiveTokens = sequences.stream().mapToLong(s -> s.length).sum();
      maxDifference = 0;
      int first = 0;
      Map<PreparedResponse, ResponseScore> oursByResponse = new IdentityHashMap<>();
      for (int r = 0; r < ordered.size(); r++) {
        oursByResponse.put(ordered.get(r), scores.get(r));
      }
      for (int r = 0; r < plans.size(); r++) {
        Double lalp = lalp(plans.get(r), logProbs, first);
        first += plans.get(r).sequences().size();
        Double ours = oursByResponse.get(prepared.get(r)).lalp();
        if (lalp != null && ours != null) {
          maxDifference = Math.max(maxDifference, Math.abs(lalp - ours));
        }
      }
    }

    // (d) the whole job in local mode, on the same rows.
    double jobWall = Double.NaN;
    double jobScore = Double.NaN;
    double jobReport = Double.NaN;
    if (spark != null) {
      Map<String, Object> summary = runJob(spark, args, corpus, window, "run-" + run);
      jobWall = ((Number) summary.get(MEASURED_WALL)).doubleValue();
      @SuppressWarnings("unchecked")
      Map<String, Object> stages = (Map<String, Object>) summary.get("stage_seconds");
      jobScore = ((Number) stages.get("score")).doubleValue();
      jobReport = ((Number) stages.get("report")).doubleValue();
    }
    return new Figures(
        sequenceTokens,
        planTokens,
        forwardSeconds,
        useful,
        scorer.batchTokens(),
        scorerSeconds,
        scorer.modelSeconds(),
        scorerBatchesForward,
        naiveTokens,
        naiveBatchTokens,
        naiveSeconds,
        maxDifference,
        jobWall,
        jobScore,
        jobReport);
  }

  /** One run of the whole job on {@code rows}, in the given session; returns its summary. */
  private static Map<String, Object> runJob(
      SparkSession spark, Args args, List<Row> rows, String window, String name)
      throws IOException {
    Path input = args.work().resolve(name + "-corpus.jsonl");
    writeCorpus(rows, input);
    Path output = args.work().resolve(name + "-" + window.replace('=', '-'));
    deleteRecursively(output);
    String[] jobArgs = {
      "--set",
      "input.path=" + input,
      "--set",
      "output.path=" + output,
      "--set",
      "student.path=" + args.student(),
      "--set",
      "student.device=cpu",
      "--set",
      "scoring.window." + window,
      "--set",
      "progress.interval-seconds=600",
      "--set",
      "scoring.batch.max-tokens=" + args.batchTokens(),
      "--set",
      "scoring.batch.row-tokens=" + args.rowTokens()
    };
    long started = System.nanoTime();
    Map<String, Object> summary =
        new LinkedHashMap<>(
            NaturalnessJob.runPipeline(
                    spark,
                    NaturalnessJob.check(SettingsLoader.fromArgs(jobArgs), new Configuration()))
                .summary()
                .asMap());
    summary.put(MEASURED_WALL, seconds(started));
    return summary;
  }

  /** LALP from one-window-per-sequence log-probs: the definition, read from the literal plan. */
  private static Double lalp(ResponsePlan plan, float[][] logProbs, int first) {
    double sum = 0;
    int steps = 0;
    for (ResponsePlan.TokenRange step : plan.steps()) {
      float[] lp = logProbs[first + step.sequence()];
      double s = 0;
      int n = 0;
      for (int t = Math.max(step.start(), 1); t < step.end(); t++) {
        s += lp[t];
        n++;
      }
      if (n > 0) {
        sum += s / n;
        steps++;
      }
    }
    return steps == 0 ? null : sum / steps;
  }

  /**
   * The token runs a scorer's batches compute, padding left out: each block of each row (a shared
   * prompt, or a sequence or its part after a shared prompt) as one sequence.
   */
  static List<long[]> computedPieces(List<PackedBatch> batches) {
    List<long[]> pieces = new ArrayList<>();
    for (PackedBatch b : batches) {
      int[] used = new int[b.rows()];
      for (PackedBatch.Placement p : b.placements()) {
        used[p.row()] = Math.max(used[p.row()], p.offset() + p.size());
      }
      for (int r = 0; r < b.rows(); r++) {
        int start = 0;
        for (int c = 1; c <= used[r]; c++) {
          if (c == used[r]
              || b.blocks()[r * b.length() + c] != b.blocks()[r * b.length() + start]) {
            pieces.add(
                java.util.Arrays.copyOfRange(b.ids(), r * b.length() + start, r * b.length() + c));
            start = c;
          }
        }
      }
    }
    return pieces;
  }

  /**
   * All planned tokens laid end to end in rows of exactly {@code rowTokens} (the last row may be
   * shorter), each sequence keeping its own block of the mask: no padding at all.
   */
  static List<PackedBatch> fullRows(List<long[]> sequences, int rowTokens, int rowsPerBatch) {
    long total = sequences.stream().mapToLong(s -> s.length).sum();
    long[] ids = new long[(int) total];
    long[] positions = new long[(int) total];
    int[] blocks = new int[(int) total];
    int at = 0;
    int block = 0;
    for (long[] s : sequences) {
      for (int i = 0; i < s.length; i++) {
        ids[at] = s[i];
        positions[at] = i;
        blocks[at++] = block;
      }
      block++;
    }
    List<PackedBatch> batches = new ArrayList<>();
    long perBatch = (long) rowTokens * rowsPerBatch;
    for (long from = 0; from < total; from += perBatch) {
      int size = (int) Math.min(perBatch, total - from);
      int rows = (size + rowTokens - 1) / rowTokens;
      int length = rows == 1 ? size : rowTokens;
      int cells = rows * length;
      long[] bIds = new long[cells];
      long[] bPositions = new long[cells];
      int[] bBlocks = new int[cells];
      System.arraycopy(ids, (int) from, bIds, 0, size);
      for (int i = 0; i < size; i++) {
        // A sequence cut by a row end goes on in the next row as a block of its own, from position
        // 0.
        boolean continues = i % length > 0 && blocks[(int) from + i - 1] == blocks[(int) from + i];
        bPositions[i] = continues ? bPositions[i - 1] + 1 : 0;
        bBlocks[i] = continues ? bBlocks[i - 1] : i;
      }
      for (int i = size; i < cells; i++) {
        bBlocks[i] = i;
      }
      batches.add(
          new PackedBatch(rows, length, bIds, bPositions, bBlocks, new PackedBatch.Placement[0]));
    }
    return batches;
  }

  /** One sequence per row, right-padded to the batch's longest. */
  static PackedBatch rightPadded(List<long[]> sequences) {
    int length = sequences.stream().mapToInt(s -> s.length).max().orElse(1);
    int rows = sequences.size();
    long[] ids = new long[rows * length];
    long[] positions = new long[rows * length];
    int[] blocks = new int[rows * length];
    PackedBatch.Placement[] placements = new PackedBatch.Placement[rows];
    for (int r = 0; r < rows; r++) {
      long[] s = sequences.get(r);
      System.arraycopy(s, 0, ids, r * length, s.length);
      for (int t = 0; t < length; t++) {
        positions[r * length + t] = t;
        // Padding sits in the row's own block after the sequence: causal attention keeps it out of
        // every real position, as a right-padded batch with a causal mask does.
        blocks[r * length + t] = r;
      }
      placements[r] = new PackedBatch.Placement(r, r, 0, s.length);
    }
    return new PackedBatch(rows, length, ids, positions, blocks, placements);
  }

  private static void print(String window, Args args, List<Figures> runs) {
    Figures f0 = runs.get(0);
    System.out.printf(
        Locale.ROOT,
        "%nwindow %s: exact plan %,d tokens computed (%,d in its sequences, each prompt once per "
            + "packed unit); naive plan %,d tokens (%,d with padding)%n",
        window,
        f0.planTokens(),
        f0.sequenceTokens(),
        f0.naiveTokens(),
        f0.naiveBatchTokens());
    System.out.println("                                          min      median         max");
    if (args.legs().contains("a")) {
      line(
          "(a) bare forward, full rows (tokens/s)", runs, f -> f.planTokens() / f.forwardSeconds());
    }
    if (args.legs().contains("b")) {
      line("(b) scorer (useful tokens/s)", runs, f -> f.usefulTokens() / f.scorerSeconds());
      line(
          "    (b) share of batch positions used",
          runs,
          f -> (double) f.usefulTokens() / f.scorerBatchTokens());
    }
    if (args.legs().contains("a") && args.legs().contains("b")) {
      line(
          "    (b) / (a)",
          runs,
          f -> (f.usefulTokens() / f.scorerSeconds()) / (f.planTokens() / f.forwardSeconds()));
      line(
          "    (b) share of time in the model",
          runs,
          f -> f.scorerModelSeconds() / f.scorerSeconds());
      line(
          "    bare forward on (b)'s batches / (a)",
          runs,
          f -> f.scorerBatchesForwardSeconds() / f.forwardSeconds());
    }
    if (args.legs().contains("c")) {
      line(
          "(c) naive, batches of " + args.naiveBatch() + " (seconds)", runs, Figures::naiveSeconds);
      line("    naive (its own tokens/s)", runs, f -> f.naiveTokens() / f.naiveSeconds());
      line("    ours (b) vs naive: time ratio", runs, f -> f.naiveSeconds() / f.scorerSeconds());
      line("    max |LALP naive - ours|", runs, Figures::maxLalpDifference);
    }
    if (args.legs().contains("d")) {
      line("(d) job wall (seconds)", runs, Figures::jobWallSeconds);
      line("    job scoring stage (seconds)", runs, Figures::jobScoreSeconds);
      line("    job report stage (seconds)", runs, Figures::jobReportSeconds);
      line("    job wall / scoring stage", runs, f -> f.jobWallSeconds() / f.jobScoreSeconds());
    }
    System.out.println();
  }

  private static void line(
      String label, List<Figures> runs, java.util.function.ToDoubleFunction<Figures> value) {
    double[] v = runs.stream().mapToDouble(value).sorted().toArray();
    String format =
        v[v.length / 2] >= 100 ? "%,12.0f" : v[v.length / 2] >= 0.01 ? "%12.3f" : "%12.2e";
    System.out.printf(
        Locale.ROOT,
        "%-40s" + format + format + format + "%n",
        label,
        v[0],
        median(v),
        v[v.length - 1]);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static ScoringOptions options(Student student, String window, Args args) {
    String[] kv = window.split("=", 2);
    WindowRule rule =
        switch (kv[0]) {
          case "fraction" -> WindowRule.Fraction.of(kv[1]);
          case "steps" -> new WindowRule.Steps(Integer.parseInt(kv[1]));
          default ->
              throw new IllegalArgumentException(
                  "--window takes fraction=A or steps=K, got " + window);
        };
    return ScoringOptions.defaults(student.manifest().maxTokens())
        .withWindow(rule, true)
        .withBatch(args.batchTokens(), args.rowTokens());
  }

  private static Args parse(String[] argv) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("--student", "src/main/resources/demo/student");
    a.put("--corpus", "src/main/resources/demo/corpus.jsonl");
    a.put("--rows", "0");
    a.put("--runs", "3");
    a.put("--window", "fraction=0.25,steps=4");
    a.put("--naive-batch", "8");
    a.put("--legs", "a,b,c,d");
    a.put("--batch-tokens", "4096");
    a.put("--row-tokens", "512");
    a.put("--work", "target/benchmark");
    for (int i = 0; i < argv.length; i += 2) {
      if (!a.containsKey(argv[i]) || i + 1 >= argv.length) {
        throw new IllegalArgumentException(
            "unknown or incomplete option " + argv[i] + "; options: " + a.keySet());
      }
      a.put(argv[i], argv[i + 1]);
    }
    return new Args(
        Path.of(a.get("--student")),
        Path.of(a.get("--corpus")),
        Integer.parseInt(a.get("--rows")),
        Integer.parseInt(a.get("--runs")),
        List.of(a.get("--window").split(",")),
        Integer.parseInt(a.get("--naive-batch")),
        a.get("--legs"),
        Integer.parseInt(a.get("--batch-tokens")),
        Integer.parseInt(a.get("--row-tokens")),
        Path.of(a.get("--work")));
  }

  private static List<Row> readCorpus(Path path, int limit) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
        if (!line.isBlank()) {
          JsonNode n = json.readTree(line);
          rows.add(new Row(line, n.get("prompt").asText(), n.get("response").asText()));
        }
      }
    }
    return rows;
  }

  private static void writeCorpus(List<Row> rows, Path path) throws IOException {
    Files.createDirectories(path.getParent());
    try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      for (Row r : rows) {
        out.write(r.line());
        out.write('\n');
      }
    }
  }

  private static SparkSession session() {
    return SparkSession.builder()
        .appName("naturalness-benchmark")
        .master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
