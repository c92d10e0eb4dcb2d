package dev.naturalness.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.config.SettingsLoader;
import dev.naturalness.data.Metric;
import dev.naturalness.data.StepInput;
import dev.naturalness.data.Strata;
import dev.naturalness.model.Student;
import dev.naturalness.report.RunSummary;
import dev.naturalness.scoring.CostPlanner;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.Packer;
import dev.naturalness.scoring.ResponsePlan;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.SampleEstimator;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.SequenceView;
import dev.naturalness.scoring.StratifiedEstimate;
import dev.naturalness.scoring.WindowPlanner;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.stats.SelectionCertainty;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;

/**
 * Measures scoring throughput on one student and one corpus, every leg in the same process, so that
 * the ratios compare like with like on a noisy machine:
 *
 * <ul>
 *   <li>(a) the bare forward pass on exactly the tokens the exact plan computes, laid end to end in
 *       full rows with no padding (cutting sequences at row ends, which no exact scorer can);
 *   <li>(e) the exact plan's own limit: each planned sequence alone in a row of its own length (no
 *       padding, no attention across sequences), rows of equal length batched together;
 *   <li>(b) the scorer as a scoring task runs it (tokenize, segment, plan, pack, forward,
 *       log-softmax and gather on the device, read back), in useful tokens per second;
 *   <li>(c) the naive way: one right-padded sequence per step window (and one for GALP), fixed
 *       batches of {@code --naive-batch}, in corpus order and sorted by length;
 *   <li>(s) step sampling: the scorer scoring m sampled steps of longer responses, for each m of
 *       {@code --sample-steps} and each estimator: its model tokens and time against the exact
 *       plan's, its teacher means against exact's, and the difference estimator's standard errors
 *       against plain's;
 *   <li>(h) the host side alone: the scorer as (b) runs it, tokenizing and segmenting included,
 *       with a stand-in for the device ({@link HostSideModel}: arrays copied in, ready log-probs
 *       read back), in useful tokens per second, with the share of each part;
 *   <li>(d) the whole Spark job (local mode) on the same corpus: wall time against its scoring
 *       stage.
 * </ul>
 *
 * Each run measures every leg once; ratios are taken within a run and reported as min / median /
 * max over the runs. Usage: {@code submit/benchmark.sh [options]}; see {@link #parse}.
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
      String segmenter,
      int maxTokens,
      List<Integer> sampleSteps,
      Path work,
      Path figures) {}

  /** One row of the corpus. */
  private record Row(String line, String id, String teacher, String prompt, String response) {}

  /** Timed figures of one run, by name. */
  private static final class Figures {
    final Map<String, Double> values = new LinkedHashMap<>();

    void put(String name, double value) {
      values.put(name, value);
    }

    double get(String name) {
      return values.getOrDefault(name, Double.NaN);
    }
  }

  /** Rows every leg runs once before anything is timed. */
  private static final int WARM_UP_ROWS = 32;

  /** Responses a scoring task plans and packs together, as the job does by default. */
  private static final int GROUP = 64;

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
              StepSource.named(args.segmenter()),
              student.tokenizer(),
              student.manifest().bosId());
      int maxTokens = args.maxTokens() > 0 ? args.maxTokens() : student.manifest().maxTokens();
      System.out.printf(
          Locale.ROOT,
          "student %s (%s), corpus %s: %d rows, %s steps, max %d tokens, batches of %d tokens in "
              + "%d-token rows, %d runs%n",
          student.manifest().name(),
          args.student(),
          args.corpus(),
          corpus.size(),
          args.segmenter(),
          maxTokens,
          args.batchTokens(),
          args.rowTokens(),
          args.runs());
      SparkSession spark = args.legs().contains("d") ? session() : null;
      Map<String, List<Map<String, Double>>> figures = new LinkedHashMap<>();
      try {
        for (String window : args.windows()) {
          ScoreDefinition definition =
              ScoreDefinition.defaults(maxTokens)
                  .withSteps(args.segmenter())
                  .withWindow(WindowRule.parse(window), true);
          Execution execution = new Execution(args.batchTokens(), args.rowTokens(), true, true);
          List<PreparedResponse> prepared = prepare(preparer, corpus);
          if (!args.legs().equals("h")) {
            // (h) alone never calls the model: a student with another tokenizer can measure it.
            warmUp(prepared, definition, execution, student, args);
          }
          if (spark != null) {
            // Spark's first jobs in a JVM load and compile their code: warm that up too.
            runJob(
                spark,
                args,
                corpus.subList(0, Math.min(corpus.size(), WARM_UP_ROWS)),
                window,
                "warm-up");
          }
          printPlan(window, prepared, corpus, definition, execution, args);
          List<Figures> runs = new ArrayList<>();
          for (int run = 0; run < args.runs(); run++) {
            runs.add(
                measure(
                    args, corpus, preparer, student, definition, execution, window, run, spark));
            System.out.printf(
                Locale.ROOT, "  window %s, run %d of %d done%n", window, run + 1, args.runs());
          }
          print(window, args, runs);
          figures.put(window, runs.stream().map(r -> r.values).toList());
        }
        if (args.figures() != null) {
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValue(args.figures().toFile(), figures);
        }
      } finally {
        if (spark != null) {
          spark.stop();
        }
      }
    }
  }

  private static List<PreparedResponse> prepare(ResponsePreparer preparer, List<Row> corpus) {
    List<PreparedResponse> prepared = new ArrayList<>();
    for (Row r : corpus) {
      prepared.add(preparer.prepare(r.prompt(), r.response(), StepInput.NONE));
    }
    return prepared;
  }

  /**
   * TorchScript profiles and optimises a graph on its first calls, and libtorch grows its memory
   * pools; both happen here, before anything is timed.
   */
  private static void warmUp(
      List<PreparedResponse> prepared,
      ScoreDefinition definition,
      Execution execution,
      Student student,
      Args args) {
    List<PreparedResponse> some = prepared.subList(0, Math.min(prepared.size(), WARM_UP_ROWS));
    new ResponseScorer(definition, execution, student.model()).score(some);
    List<long[]> planned = sequences(some, definition, execution);
    for (PackedBatch b :
        fullRows(planned, args.rowTokens(), Math.max(1, args.batchTokens() / args.rowTokens()))) {
      student.model().forwardOnly(b);
    }
    for (PackedBatch b : alone(planned, args.batchTokens())) {
      student.model().forwardOnly(b);
    }
    student
        .model()
        .nextTokenLogProbs(
            rightPadded(planned.subList(0, Math.min(planned.size(), args.naiveBatch()))));
  }

  /**
   * Model tokens per metric and with sampling, planned without the model (CostPlanner, as the job
   * plans).
   */
  private static void printPlan(
      String window,
      List<PreparedResponse> prepared,
      List<Row> corpus,
      ScoreDefinition d,
      Execution execution,
      Args args) {
    long[] totals = new long[3];
    for (int i = 0; i < prepared.size(); i++) {
      CostPlanner.Cost c = new CostPlanner(d, execution).cost(prepared.get(i), corpus.get(i).id());
      totals[0] += c.galpTokens();
      totals[1] += c.lalpTokens();
      totals[2] += c.modelTokens();
    }
    System.out.printf(
        Locale.ROOT,
        "%nwindow %s: model tokens GALP %,d, exact LALP %,d (%.2fx GALP), both %,d",
        window,
        totals[0],
        totals[1],
        (double) totals[1] / totals[0],
        totals[2]);
    for (int m : args.sampleSteps()) {
      long sampled = 0;
      long responses = 0;
      long difference = 0;
      for (int i = 0; i < prepared.size(); i++) {
        ScoreDefinition atM = d.withSampleSteps(m).withEstimator(SampleEstimator.PLAIN);
        CostPlanner.Cost c =
            new CostPlanner(atM, execution).cost(prepared.get(i), corpus.get(i).id());
        sampled += c.lalpTokens();
        responses += c.stepsScored() < c.steps() ? 1 : 0;
        difference +=
            new CostPlanner(atM.withEstimator(SampleEstimator.DIFFERENCE), execution)
                .cost(prepared.get(i), corpus.get(i).id())
                .lalpTokens();
      }
      System.out.printf(
          Locale.ROOT,
          "; sampled LALP m=%d %,d (%.0f%% of exact, %d responses sampled; alone with the"
              + " difference estimator's GALP passes %,d, %.2fx GALP)",
          m,
          sampled,
          100.0 * sampled / totals[1],
          responses,
          difference,
          (double) difference / totals[0]);
    }
    System.out.println();
  }

  private static Figures measure(
      Args args,
      List<Row> corpus,
      ResponsePreparer preparer,
      Student student,
      ScoreDefinition definition,
      Execution execution,
      String window,
      int run,
      SparkSession spark)
      throws IOException {
    Figures f = new Figures();
    String legs = args.legs();
    if (legs.equals("h")) {
      hostSide(f, definition, execution, preparer, corpus);
      return f;
    }
    // (b) the scorer, as a scoring task runs it: longest responses first, in groups of 64.
    long t = System.nanoTime();
    List<PreparedResponse> prepared = prepare(preparer, corpus);
    List<Integer> order = longestFirst(prepared);
    ResponseScorer scorer = new ResponseScorer(definition, execution, student.model());
    Map<Integer, ResponseScore> scores = scoreInGroups(scorer, prepared, corpus, order);
    f.put("b.seconds", seconds(t));
    f.put("b.useful", scorer.usefulTokens());
    f.put("b.cells", scorer.batchTokens());
    f.put("b.model", scorer.modelSeconds());

    f.put("response.tokens", responseTokens(prepared));
    if (legs.contains("g")) {
      onlyMetric(f, "g", Metric.GALP, definition, execution, student, preparer, corpus, order);
    }
    if (legs.contains("l")) {
      onlyMetric(f, "l", Metric.LALP, definition, execution, student, preparer, corpus, order);
    }
    // The batches the scorer builds, again: what they compute (without padding) and how much of
    // their attention is across blocks.
    List<PackedBatch> batches = scorerBatches(prepared, order, definition, execution);
    f.put("b.cross", crossBlockShare(batches));
    List<long[]> pieces = computedPieces(batches);
    f.put("plan.tokens", pieces.stream().mapToLong(s -> s.length).sum());
    if (legs.contains("a")) {
      f.put("b.forward", forward(student, batches));
      f.put(
          "a.seconds",
          forward(
              student,
              fullRows(
                  pieces, args.rowTokens(), Math.max(1, args.batchTokens() / args.rowTokens()))));
    }
    if (legs.contains("e")) {
      List<long[]> sequences = sequences(prepared, definition, execution);
      f.put("e.tokens", sequences.stream().mapToLong(s -> s.length).sum());
      f.put("e.seconds", forward(student, alone(sequences, args.batchTokens())));
    }
    if (legs.contains("c")) {
      naive(f, "c", prepared, null, definition, execution, student, args, scores);
      naive(
          f, "c2", prepared, longestFirst(prepared), definition, execution, student, args, scores);
    }
    if (legs.contains("s")) {
      for (int m : args.sampleSteps()) {
        sampled(f, m, definition, execution, student, preparer, corpus, order, scores);
      }
    }
    if (legs.contains("h")) {
      hostSide(f, definition, execution, preparer, corpus);
    }
    if (spark != null) {
      RunSummary summary = runJob(spark, args, corpus, window, "run-" + run);
      f.put("d.wall", summary.wallSeconds());
      f.put("d.score", summary.stageSeconds().getOrDefault("score", Double.NaN));
      f.put("d.report", summary.stageSeconds().getOrDefault("report", Double.NaN));
    }
    return f;
  }

  /** (g) GALP alone, (l) exact LALP alone: the scorer computing one metric. */
  private static void onlyMetric(
      Figures f,
      String leg,
      Metric metric,
      ScoreDefinition definition,
      Execution execution,
      Student student,
      ResponsePreparer preparer,
      List<Row> corpus,
      List<Integer> order) {
    ResponseScorer scorer =
        new ResponseScorer(definition.withMetrics(Set.of(metric)), execution, student.model());
    long t = System.nanoTime();
    scoreInGroups(scorer, prepare(preparer, corpus), corpus, order);
    f.put(leg + ".seconds", seconds(t));
    f.put(leg + ".useful", scorer.usefulTokens());
  }

  private static long responseTokens(List<PreparedResponse> prepared) {
    return prepared.stream().mapToLong(p -> p.responseIds().length).sum();
  }

  /** The parts of the host side (h) measures, as its figures name them. */
  static final List<String> HOST_PARTS =
      List.of("segment", "tokenize", "align", "plan", "pack", "copy-in", "read-back", "fold");

  /**
   * (h) the scorer with a stand-in for the device: everything a scoring task does on the host, in
   * useful tokens per second, with each part's time.
   */
  private static void hostSide(
      Figures f,
      ScoreDefinition definition,
      Execution execution,
      ResponsePreparer preparer,
      List<Row> corpus) {
    Map<String, Double> before = preparer.seconds();
    try (HostSideModel standIn = new HostSideModel()) {
      long t = System.nanoTime();
      List<PreparedResponse> prepared = prepare(preparer, corpus);
      ResponseScorer scorer = new ResponseScorer(definition, execution, standIn);
      scoreInGroups(scorer, prepared, corpus, longestFirst(prepared));
      f.put("h.seconds", seconds(t));
      f.put("h.useful", scorer.usefulTokens());
      preparer.seconds().forEach((part, s) -> f.put("h." + part, s - before.get(part)));
      scorer.hostSeconds().forEach((part, s) -> f.put("h." + part, s));
      f.put("h.copy-in", standIn.copyInSeconds());
      f.put("h.read-back", standIn.readBackSeconds());
    }
  }

  /**
   * (s) at m sampled steps, each estimator: its time and model tokens, how far its teacher means
   * are from exact and whether their order is exact's; each sampled response's standard error
   * pooled with its teacher's prior as the job pools it, and against exact the share of sampled
   * responses within 2 and 4 of it and the mean standardised error; per prompt, whether the sampled
   * pick is exact's against the pick's certainty; and the median ratio of the difference
   * estimator's pooled per-response standard error to plain's.
   */
  private static void sampled(
      Figures f,
      int m,
      ScoreDefinition definition,
      Execution execution,
      Student student,
      ResponsePreparer preparer,
      List<Row> corpus,
      List<Integer> order,
      Map<Integer, ResponseScore> exact) {
    Map<SampleEstimator, Map<Integer, Double>> errors = new TreeMap<>();
    for (SampleEstimator estimator : SampleEstimator.values()) {
      String key = "s" + m + "." + estimator.key();
      ResponseScorer sampled =
          new ResponseScorer(
              definition.withSampleSteps(m).withEstimator(estimator), execution, student.model());
      long t = System.nanoTime();
      Map<Integer, ResponseScore> got =
          scoreInGroups(sampled, prepare(preparer, corpus), corpus, order);
      f.put(key + ".seconds", seconds(t));
      f.put(key + ".useful", sampled.usefulTokens());
      Map<String, Double> exactMeans = teacherMeans(corpus, exact);
      Map<String, Double> means = teacherMeans(corpus, got);
      double largest = 0;
      for (String teacher : exactMeans.keySet()) {
        largest = Math.max(largest, Math.abs(means.get(teacher) - exactMeans.get(teacher)));
      }
      f.put(key + ".maxdiff", largest);
      f.put(key + ".order", ranking(means).equals(ranking(exactMeans)) ? 1 : 0);
      Map<Integer, Double> se = pooledErrors(corpus, got);
      errors.put(estimator, se);
      coverage(f, key, got, exact, se);
      selections(f, key, corpus, got, exact, se);
    }
    List<Double> ratios = new ArrayList<>();
    errors
        .get(SampleEstimator.PLAIN)
        .forEach(
            (i, plain) -> {
              Double difference = errors.get(SampleEstimator.DIFFERENCE).get(i);
              if (difference != null && plain > 0) {
                ratios.add(difference / plain);
              }
            });
    f.put(
        "s" + m + ".seratio",
        ratios.isEmpty()
            ? Double.NaN
            : median(ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
  }

  /**
   * Each response's standard error as the job publishes it: its strata pooled with its teacher's
   * prior (0 for a response scored whole; none when its variance is unknown).
   */
  private static Map<Integer, Double> pooledErrors(
      List<Row> corpus, Map<Integer, ResponseScore> scores) {
    Map<String, StratifiedEstimate.Pool> teachers = new TreeMap<>();
    StratifiedEstimate.Pool all = StratifiedEstimate.Pool.NONE;
    for (Map.Entry<Integer, ResponseScore> e : scores.entrySet()) {
      ResponseScore s = e.getValue();
      Strata strata = s.windows().isEmpty() ? null : s.windows().get(0).strata();
      if (strata != null) {
        teachers.merge(
            corpus.get(e.getKey()).teacher(),
            StratifiedEstimate.Pool.NONE.add(strata),
            StratifiedEstimate.Pool::merge);
        all = all.add(strata);
      }
    }
    StratifiedEstimate.Pool corpusPool = all;
    Map<Integer, Double> out = new TreeMap<>();
    scores.forEach(
        (i, s) -> {
          if (s.windows().isEmpty() || s.lalp() == null) {
            return;
          }
          Strata strata = s.windows().get(0).strata();
          Double se =
              strata == null
                  ? Double.valueOf(0.0)
                  : StratifiedEstimate.standardError(
                      strata, teachers.get(corpus.get(i).teacher()).prior(corpusPool));
          if (se != null) {
            out.put(i, se);
          }
        });
    return out;
  }

  /** Of the sampled responses: the shares within 2 and 4 standard errors of exact, mean z. */
  private static void coverage(
      Figures f,
      String key,
      Map<Integer, ResponseScore> got,
      Map<Integer, ResponseScore> exact,
      Map<Integer, Double> se) {
    int n = 0;
    int two = 0;
    int four = 0;
    double z = 0;
    for (Map.Entry<Integer, Double> e : se.entrySet()) {
      ResponseScore truth = exact.get(e.getKey());
      if (e.getValue() == 0 || truth == null || truth.lalp() == null) {
        continue;
      }
      double err = got.get(e.getKey()).lalp() - truth.lalp();
      n++;
      two += Math.abs(err) <= 2 * e.getValue() ? 1 : 0;
      four += Math.abs(err) <= 4 * e.getValue() ? 1 : 0;
      z += err / e.getValue();
    }
    f.put(key + ".sampled", n);
    f.put(key + ".within2", n == 0 ? Double.NaN : (double) two / n);
    f.put(key + ".within4", n == 0 ? Double.NaN : (double) four / n);
    f.put(key + ".meanz", n == 0 ? Double.NaN : z / n);
  }

  /**
   * Per prompt with two or more responses: whether the sampled scores pick exact's response, and
   * the pick's certainty ({@link SelectionCertainty}); the shares over prompts.
   */
  private static void selections(
      Figures f,
      String key,
      List<Row> corpus,
      Map<Integer, ResponseScore> got,
      Map<Integer, ResponseScore> exact,
      Map<Integer, Double> se) {
    Map<String, List<Integer>> byPrompt = new TreeMap<>();
    for (int i : got.keySet()) {
      if (se.containsKey(i) && exact.get(i) != null && exact.get(i).lalp() != null) {
        byPrompt.computeIfAbsent(corpus.get(i).prompt(), k -> new ArrayList<>()).add(i);
      }
    }
    int prompts = 0;
    int agree = 0;
    double certainty = 0;
    for (List<Integer> candidates : byPrompt.values()) {
      if (candidates.size() < 2) {
        continue;
      }
      double[] means = new double[candidates.size()];
      double[] errors = new double[candidates.size()];
      double[] truth = new double[candidates.size()];
      for (int c = 0; c < candidates.size(); c++) {
        means[c] = got.get(candidates.get(c)).lalp();
        errors[c] = se.get(candidates.get(c));
        truth[c] = exact.get(candidates.get(c)).lalp();
      }
      int picked = argmax(means);
      prompts++;
      agree += picked == argmax(truth) ? 1 : 0;
      certainty += SelectionCertainty.probabilityBest(means, errors, picked);
    }
    f.put(key + ".agree", prompts == 0 ? Double.NaN : (double) agree / prompts);
    f.put(key + ".certainty", prompts == 0 ? Double.NaN : certainty / prompts);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Each teacher's mean LALP over its scored responses. */
  private static Map<String, Double> teacherMeans(
      List<Row> corpus, Map<Integer, ResponseScore> scores) {
    Map<String, double[]> sums = new TreeMap<>();
    scores.forEach(
        (i, s) -> {
          if (s.lalp() != null) {
            double[] t = sums.computeIfAbsent(corpus.get(i).teacher(), k -> new double[2]);
            t[0] += s.lalp();
            t[1]++;
          }
        });
    Map<String, Double> means = new TreeMap<>();
    sums.forEach((teacher, t) -> means.put(teacher, t[0] / t[1]));
    return means;
  }

  private static List<String> ranking(Map<String, Double> means) {
    List<String> teachers = new ArrayList<>(means.keySet());
    teachers.sort(Comparator.comparing((String t) -> -means.get(t)));
    return teachers;
  }

  private static List<Integer> longestFirst(List<PreparedResponse> prepared) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < prepared.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingInt(
                (Integer i) ->
                    prepared.get(i).prefixIds().length + prepared.get(i).responseIds().length)
            .reversed());
    return order;
  }

  private static Map<Integer, ResponseScore> scoreInGroups(
      ResponseScorer scorer,
      List<PreparedResponse> prepared,
      List<Row> corpus,
      List<Integer> order) {
    Map<Integer, ResponseScore> scores = new TreeMap<>();
    for (int from = 0; from < order.size(); from += GROUP) {
      List<Integer> group = order.subList(from, Math.min(order.size(), from + GROUP));
      List<ResponseScore> s =
          scorer.score(
              group.stream().map(prepared::get).toList(),
              group.stream().map(i -> corpus.get(i).id()).toList());
      for (int i = 0; i < group.size(); i++) {
        scores.put(group.get(i), s.get(i));
      }
    }
    return scores;
  }

  /** The batches the scorer builds for the corpus, group by group, tokens copied in. */
  private static List<PackedBatch> scorerBatches(
      List<PreparedResponse> prepared,
      List<Integer> order,
      ScoreDefinition d,
      Execution execution) {
    List<PackedBatch> batches = new ArrayList<>();
    WindowPlanner planner = new WindowPlanner(d, execution);
    for (int from = 0; from < order.size(); from += GROUP) {
      List<long[]> sequences = new ArrayList<>();
      List<Integer> group = new ArrayList<>();
      List<Integer> prefix = new ArrayList<>();
      int r = 0;
      for (int i : order.subList(from, Math.min(order.size(), from + GROUP))) {
        PreparedResponse p = prepared.get(i);
        for (SequenceView v : planner.plan(p, "").sequences()) {
          sequences.add(v.tokens(p));
          group.add(v.sharedPrefix() > 0 ? r : -1);
          prefix.add(v.sharedPrefix());
        }
        r++;
      }
      batches.addAll(
          new Packer(execution)
              .pack(
                  sequences,
                  group.stream().mapToInt(Integer::intValue).toArray(),
                  prefix.stream().mapToInt(Integer::intValue).toArray()));
    }
    return batches;
  }

  /** Every planned sequence of the corpus, whole (each with its own prompt). */
  private static List<long[]> sequences(
      List<PreparedResponse> prepared, ScoreDefinition d, Execution execution) {
    WindowPlanner planner = new WindowPlanner(d, execution);
    List<long[]> out = new ArrayList<>();
    for (PreparedResponse p : prepared) {
      for (SequenceView v : planner.plan(p, "").sequences()) {
        out.add(v.tokens(p));
      }
    }
    return out;
  }

  private static double forward(Student student, List<PackedBatch> batches) {
    long t = System.nanoTime();
    for (PackedBatch b : batches) {
      student.model().forwardOnly(b);
    }
    return seconds(t);
  }

  /**
   * The naive way: one right-padded sequence per step window (the definition read literally), in
   * fixed batches, in corpus order ({@code order} null) or in the given order; and a check that it
   * computes the same LALP as the scorer.
   */
  private static void naive(
      Figures f,
      String leg,
      List<PreparedResponse> prepared,
      List<Integer> order,
      ScoreDefinition d,
      Execution execution,
      Student student,
      Args args,
      Map<Integer, ResponseScore> ours) {
    WindowPlanner literal = new WindowPlanner(d, execution.literal());
    List<ResponsePlan> plans = new ArrayList<>();
    List<long[]> sequences = new ArrayList<>();
    List<int[]> owner = new ArrayList<>(); // response, sequence within it
    for (int r = 0; r < prepared.size(); r++) {
      ResponsePlan plan = literal.plan(prepared.get(r), "");
      plans.add(plan);
      for (int s = 0; s < plan.sequences().size(); s++) {
        sequences.add(plan.sequences().get(s).tokens(prepared.get(r)));
        owner.add(new int[] {r, s});
      }
    }
    List<Integer> runOrder = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i++) {
      runOrder.add(i);
    }
    if (order != null) {
      runOrder.sort(Comparator.comparingInt((Integer i) -> sequences.get(i).length).reversed());
    }
    long t = System.nanoTime();
    Map<Integer, float[]> logProbs = new HashMap<>();
    long cells = 0;
    for (int from = 0; from < runOrder.size(); from += args.naiveBatch()) {
      List<Integer> ids =
          runOrder.subList(from, Math.min(runOrder.size(), from + args.naiveBatch()));
      PackedBatch padded = rightPadded(ids.stream().map(sequences::get).toList());
      float[] out = student.model().nextTokenLogProbs(padded);
      cells += (long) padded.rows() * padded.length();
      for (PackedBatch.Placement p : padded.placements()) {
        float[] lp = new float[p.size()];
        System.arraycopy(out, p.row() * padded.length(), lp, 1, p.size() - 1);
        logProbs.put(ids.get(p.sequence()), lp);
      }
    }
    f.put(leg + ".seconds", seconds(t));
    f.put(leg + ".tokens", sequences.stream().mapToLong(s -> s.length).sum());
    f.put(leg + ".cells", cells);
    double max = 0;
    int index = 0;
    for (int r = 0; r < plans.size(); r++) {
      Double lalp = lalp(plans.get(r), logProbs, index);
      index += plans.get(r).sequences().size();
      Double mine = ours.get(r).lalp();
      if (lalp != null && mine != null) {
        max = Math.max(max, Math.abs(lalp - mine));
      }
    }
    f.put(leg + ".maxdiff", max);
  }

  /** LALP from one-window-per-sequence log-probs: the definition, read from the literal plan. */
  private static Double lalp(ResponsePlan plan, Map<Integer, float[]> logProbs, int first) {
    double sum = 0;
    int steps = 0;
    for (ResponsePlan.TokenRange step : plan.reads()[0]) {
      float[] lp = logProbs.get(first + step.sequence());
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

  /** One run of the whole job on {@code rows}, in the given session; returns its summary. */
  private static RunSummary runJob(
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
      "scoring.windows=[\"" + window + "\"]",
      "--set",
      "scoring.segmenter=" + args.segmenter(),
      "--set",
      "progress.interval-seconds=600",
      "--set",
      "scoring.batch.max-tokens=" + args.batchTokens(),
      "--set",
      "scoring.batch.row-tokens=" + args.rowTokens(),
      "--set",
      "student.max-tokens=" + args.maxTokens()
    };
    return NaturalnessJob.runOn(spark, SettingsLoader.fromArgs(jobArgs)).summary();
  }

  /**
   * The share of attention work in the batches that falls across blocks: per row, the query-key
   * pairs whose key is neither in the query's block nor in the shared block it sees, over all pairs
   * (padding counts as waste). Causal masking is left aside: any masked attention computes the full
   * matrix.
   */
  static double crossBlockShare(List<PackedBatch> batches) {
    double wasted = 0;
    double all = 0;
    for (PackedBatch b : batches) {
      for (int r = 0; r < b.rows(); r++) {
        Map<Integer, Integer> blockSize = new TreeMap<>();
        for (int c = 0; c < b.length(); c++) {
          blockSize.merge(b.blocks()[r * b.length() + c], 1, Integer::sum);
        }
        for (int q = 0; q < b.length(); q++) {
          int cell = r * b.length() + q;
          int seen = blockSize.get(b.blocks()[cell]);
          if (b.sharedBlocks()[cell] >= 0) {
            seen += blockSize.getOrDefault(b.sharedBlocks()[cell], 0);
          }
          wasted += b.length() - seen;
          all += b.length();
        }
      }
    }
    return all == 0 ? 0 : wasted / all;
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
            pieces.add(Arrays.copyOfRange(b.ids(), r * b.length() + start, r * b.length() + c));
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
    int[] blocks = new int[(int) total];
    int at = 0;
    int block = 0;
    for (long[] s : sequences) {
      for (long id : s) {
        ids[at] = id;
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

  /**
   * Each sequence alone in a row of its own length, rows of the same length batched together within
   * the budget: no padding and no attention across sequences, the most an exact plan can get from
   * its sequences.
   */
  static List<PackedBatch> alone(List<long[]> sequences, int batchTokens) {
    Map<Integer, List<long[]>> byLength = new TreeMap<>(Comparator.reverseOrder());
    for (long[] s : sequences) {
      if (s.length > 0) {
        byLength.computeIfAbsent(s.length, k -> new ArrayList<>()).add(s);
      }
    }
    List<PackedBatch> batches = new ArrayList<>();
    byLength.forEach(
        (length, same) -> {
          int perBatch = Math.max(1, batchTokens / length);
          for (int from = 0; from < same.size(); from += perBatch) {
            batches.add(rightPadded(same.subList(from, Math.min(same.size(), from + perBatch))));
          }
        });
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
    String legs = args.legs();
    if (legs.equals("h")) {
      System.out.printf(Locale.ROOT, "%nwindow %s: the host side alone%n", window);
      System.out.println(
          "                                                min      median         max");
      printHostSide(runs);
      System.out.println();
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%nwindow %s: the scorer computes %,.0f tokens (each prompt once per packed unit); its "
            + "batches hold %,.0f positions%n",
        window,
        f0.get("plan.tokens"),
        f0.get("b.cells"));
    System.out.println(
        "                                                min      median         max");
    if (legs.contains("a")) {
      line(
          "(a) bare forward, full rows (tokens/s)",
          runs,
          f -> f.get("plan.tokens") / f.get("a.seconds"));
    }
    if (legs.contains("e")) {
      line(
          "(e) exact limit, sequences alone (tokens/s)",
          runs,
          f -> f.get("e.tokens") / f.get("e.seconds"));
    }
    if (legs.contains("g")) {
      line(
          "(g) GALP alone (response tokens/s)",
          runs,
          f -> f.get("response.tokens") / f.get("g.seconds"));
    }
    if (legs.contains("l")) {
      line(
          "(l) exact LALP alone (response tokens/s)",
          runs,
          f -> f.get("response.tokens") / f.get("l.seconds"));
    }
    line("(b) scorer (useful tokens/s)", runs, f -> f.get("b.useful") / f.get("b.seconds"));
    line(
        "    (b) LALP and GALP, response tokens/s",
        runs,
        f -> f.get("response.tokens") / f.get("b.seconds"));
    line("    (b) share of batch positions used", runs, f -> f.get("b.useful") / f.get("b.cells"));
    line("    (b) cross-block share of attention work", runs, f -> f.get("b.cross"));
    line("    (b) share of time in the model", runs, f -> f.get("b.model") / f.get("b.seconds"));
    if (legs.contains("a")) {
      line(
          "    (b) / (a)",
          runs,
          f ->
              (f.get("b.useful") / f.get("b.seconds"))
                  / (f.get("plan.tokens") / f.get("a.seconds")));
      line(
          "    bare forward on (b)'s batches / (a)",
          runs,
          f -> f.get("b.forward") / f.get("a.seconds"));
      line(
          "    (b) share of time in the forward pass",
          runs,
          f -> f.get("b.forward") / f.get("b.seconds"));
      line(
          "    (b) share in log-softmax, gather, read-back",
          runs,
          f -> (f.get("b.model") - f.get("b.forward")) / f.get("b.seconds"));
    }
    if (legs.contains("e")) {
      line(
          "    (b) against (e): (e) time / (b) time",
          runs,
          f -> f.get("e.seconds") / f.get("b.seconds"));
    }
    if (legs.contains("c")) {
      for (String[] leg : new String[][] {{"c", "corpus order"}, {"c2", "sorted by length"}}) {
        line(
            "(c) naive, batches of " + args.naiveBatch() + ", " + leg[1] + " (s)",
            runs,
            f -> f.get(leg[0] + ".seconds"));
        line(
            "    naive / ours (b): time ratio",
            runs,
            f -> f.get(leg[0] + ".seconds") / f.get("b.seconds"));
        line("    max |LALP naive - ours|", runs, f -> f.get(leg[0] + ".maxdiff"));
      }
    }
    if (legs.contains("s")) {
      for (int m : args.sampleSteps()) {
        for (SampleEstimator estimator : SampleEstimator.values()) {
          String key = "s" + m + "." + estimator.key();
          line(
              "(s) sampled m=" + m + ", " + estimator.key() + " (seconds)",
              runs,
              f -> f.get(key + ".seconds"));
          line(
              "    response tokens/s",
              runs,
              f -> f.get("response.tokens") / f.get(key + ".seconds"));
          line(
              "    sampled / exact (b): model tokens",
              runs,
              f -> f.get(key + ".useful") / f.get("b.useful"));
          line(
              "    sampled / exact (b): time",
              runs,
              f -> f.get(key + ".seconds") / f.get("b.seconds"));
          line("    max |teacher mean - exact|", runs, f -> f.get(key + ".maxdiff"));
          line("    teacher order as exact (1 = yes)", runs, f -> f.get(key + ".order"));
          line("    sampled responses", runs, f -> f.get(key + ".sampled"));
          line("    share within 2 SE of exact", runs, f -> f.get(key + ".within2"));
          line("    share within 4 SE of exact", runs, f -> f.get(key + ".within4"));
          line("    mean (estimate - exact) / SE", runs, f -> f.get(key + ".meanz"));
          line("    prompts whose pick is exact's (share)", runs, f -> f.get(key + ".agree"));
          line("    mean certainty of the picks", runs, f -> f.get(key + ".certainty"));
        }
        line(
            "    median per-response pooled SE, difference / plain",
            runs,
            f -> f.get("s" + m + ".seratio"));
      }
    }
    if (legs.contains("h")) {
      printHostSide(runs);
    }
    if (legs.contains("d")) {
      line("(d) job wall (seconds)", runs, f -> f.get("d.wall"));
      line("    job scoring stage (seconds)", runs, f -> f.get("d.score"));
      line("    job report stage (seconds)", runs, f -> f.get("d.report"));
      line("    job wall / scoring stage", runs, f -> f.get("d.wall") / f.get("d.score"));
    }
    System.out.println();
  }

  private static void printHostSide(List<Figures> runs) {
    line(
        "(h) host side, stand-in device (useful tokens/s)",
        runs,
        f -> f.get("h.useful") / f.get("h.seconds"));
    for (String part : HOST_PARTS) {
      line("    share: " + part, runs, f -> f.get("h." + part) / f.get("h.seconds"));
    }
    line(
        "    share: the rest (groups, sums, calls)",
        runs,
        f -> 1 - HOST_PARTS.stream().mapToDouble(p -> f.get("h." + p)).sum() / f.get("h.seconds"));
  }

  private static void line(String label, List<Figures> runs, ToDoubleFunction<Figures> value) {
    double[] v = runs.stream().mapToDouble(value).sorted().toArray();
    double mid = median(v);
    String format =
        Math.abs(mid) >= 100 ? "%,12.0f" : Math.abs(mid) >= 0.01 || mid == 0 ? "%12.3f" : "%12.2e";
    System.out.printf(
        Locale.ROOT, "%-50s" + format + format + format + "%n", label, v[0], mid, v[v.length - 1]);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Options: --student DIR, --corpus FILE.jsonl, --rows N (0: all), --runs N, --window LIST (of
   * steps=K or fraction=A), --naive-batch N, --legs LIST (a,b,c,d,e,s), --batch-tokens N,
   * --row-tokens N, --segmenter NAME, --max-tokens N (0: the student's), --sample-steps LIST,
   * --work DIR, --figures FILE (every run's figures as JSON, for the anchors to compare with).
   */
  static Args parse(String[] argv) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("--student", "src/main/resources/demo/student");
    a.put("--corpus", "src/main/resources/demo/corpus.jsonl");
    a.put("--rows", "0");
    a.put("--runs", "3");
    a.put("--window", "fraction=0.25,steps=4");
    a.put("--naive-batch", "8");
    a.put("--legs", "a,b,c,d,e");
    a.put("--batch-tokens", "4096");
    a.put("--row-tokens", "512");
    a.put("--segmenter", "paragraph");
    a.put("--max-tokens", "0");
    a.put("--sample-steps", "16,32,64");
    a.put("--work", "target/benchmark");
    a.put("--figures", "");
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
        a.get("--segmenter"),
        Integer.parseInt(a.get("--max-tokens")),
        Arrays.stream(a.get("--sample-steps").split(",")).map(Integer::parseInt).toList(),
        Path.of(a.get("--work")),
        a.get("--figures").isEmpty() ? null : Path.of(a.get("--figures")));
  }

  private static List<Row> readCorpus(Path path, int limit) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
        if (!line.isBlank()) {
          JsonNode n = json.readTree(line);
          String id =
              n.hasNonNull("response_id") ? n.get("response_id").asText() : "row-" + rows.size();
          rows.add(
              new Row(
                  line,
                  id,
                  n.path("teacher").asText(""),
                  n.get("prompt").asText(),
                  n.get("response").asText()));
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
