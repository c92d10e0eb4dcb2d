package dev.naturalness.bench;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.naturalness.data.StepInput;
import dev.naturalness.model.BatchBudget;
import dev.naturalness.model.GpuMemory;
import dev.naturalness.model.Student;
import dev.naturalness.model.StudentCache;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.PrepareAhead;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.TokenLogProbModel;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scorer on one device through the code a scoring task runs (the per-JVM student cache, the
 * auto batch budget, {@link ResponsePreparer} and {@link ResponseScorer} in groups of responses),
 * without Spark, so that it runs from a bundle of a Java runtime and a few jars on a GPU node:
 *
 * <pre>
 *   GpuCheck --student DIR --corpus FILE.jsonl [--rows N] [--device gpu|cpu] [--segmenter sentence]
 *            [--window fraction=0.25] [--row-tokens 2048] [--batch-tokens auto|N] [--max-tokens N]
 *            [--reference-student DIR --compare-rows 20 --compare-max-tokens 1024]
 *            [--dump-batches DIR --dump-count 8] [--scores FILE.jsonl] [--out FILE.json]
 * </pre>
 *
 * Prints one JSON object: useful and batch tokens per second end to end (host work included), the
 * share of time outside the model's calls, the batch budget chosen, peak device memory in use (on a
 * GPU, sampled while scoring), and, with a reference student (the same weights in float32 on the
 * CPU), the largest LALP and GALP differences over the first responses scored by both. The first
 * batches can be written out (int32 little-endian arrays and an index) for the Python step to be
 * timed on the very same batches.
 */
public final class GpuCheck {
  /** Responses a scoring task plans and packs together, as the job does by default. */
  private static final int GROUP = 64;

  private GpuCheck() {}

  /** The options, with the defaults above. */
  record Options(Map<String, String> values) {
    static Options parse(String[] argv) {
      Map<String, String> v = new HashMap<>();
      v.put("--rows", "0");
      v.put("--device", "gpu");
      v.put("--segmenter", "sentence");
      v.put("--window", "fraction=0.25");
      v.put("--row-tokens", "2048");
      v.put("--batch-tokens", "auto");
      v.put("--max-tokens", "0");
      v.put("--compare-rows", "20");
      v.put("--compare-max-tokens", "1024");
      v.put("--dump-count", "8");
      for (int i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
          throw new IllegalArgumentException("expected --option value pairs, got " + argv[i]);
        }
        v.put(argv[i], argv[i + 1]);
      }
      if (!v.containsKey("--student") || !v.containsKey("--corpus")) {
        throw new IllegalArgumentException("--student and --corpus are required");
      }
      return new Options(v);
    }

    String get(String key) {
      return values.get(key);
    }

    int integer(String key) {
      return Integer.parseInt(values.get(key));
    }

    Path path(String key) {
      return values.containsKey(key) ? Path.of(values.get(key)) : null;
    }
  }

  /** One corpus line's text. */
  record Text(String prompt, String response) {}

  public static void main(String[] argv) throws IOException {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Options o = Options.parse(argv);
    List<Text> corpus = readCorpus(o.path("--corpus"), o.integer("--rows"));
    Map<String, Object> result = new LinkedHashMap<>();
    Device device = Device.fromName(o.get("--device"));
    List<ResponseScore> scores =
        score(o, o.path("--student"), device, corpus, o.integer("--max-tokens"), result, true);
    if (o.path("--scores") != null) {
      writeScores(o.path("--scores"), scores);
    }
    if (o.path("--reference-student") != null) {
      result.put("reference", compare(o, corpus, scores));
    }
    Gson gson =
        new GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .serializeSpecialFloatingPointValues()
            .create();
    String json = gson.toJson(result);
    System.out.println(json);
    if (o.path("--out") != null) {
      Files.writeString(o.path("--out"), json + "\n", StandardCharsets.UTF_8);
    }
    StudentCache.jvm().clear();
  }

  /**
   * Scores the corpus with the student on the device as a task does, putting its figures in {@code
   * figures} when {@code timed}.
   */
  private static List<ResponseScore> score(
      Options o,
      Path studentDirectory,
      Device device,
      List<Text> corpus,
      int maxTokensSetting,
      Map<String, Object> figures,
      boolean timed)
      throws IOException {
    Path directory = studentDirectory.toAbsolutePath();
    long loadStarted = System.nanoTime();
    try (StudentCache.Lease lease =
        StudentCache.jvm()
            .acquire(
                new StudentCache.Key(directory.normalize().toString(), device.toString()),
                () -> Student.load(directory, device))) {
      Student student = lease.student();
      double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
      int rowTokens = o.integer("--row-tokens");
      int batchTokens =
          o.get("--batch-tokens").equals("auto")
              ? BatchBudget.auto(student, rowTokens)
              : Integer.parseInt(o.get("--batch-tokens"));
      int maxTokens = maxTokensSetting > 0 ? maxTokensSetting : student.manifest().maxTokens();
      ScoreDefinition definition =
          ScoreDefinition.defaults(maxTokens)
              .withSteps(o.get("--segmenter"))
              .withWindow(WindowRule.parse(o.get("--window")), true);
      Execution execution = new Execution(batchTokens, rowTokens, true, true);
      ResponsePreparer preparer =
          new ResponsePreparer(
              new PromptTemplate(student.manifest().promptTemplate()),
              StepSource.named(o.get("--segmenter")),
              student.tokenizer(),
              student.manifest().bosId());
      if (!timed) {
        return scoreInGroups(preparer, definition, execution, student.model(), corpus);
      }
      // A few responses first: TorchScript profiles and optimises its graph on the first calls.
      scoreInGroups(
          preparer,
          definition,
          execution,
          student.model(),
          corpus.subList(0, Math.min(corpus.size(), 8)));
      TimedModel model =
          new TimedModel(student.model(), o.path("--dump-batches"), o.integer("--dump-count"));
      try (MemoryWatch memory = new MemoryWatch(device)) {
        long started = System.nanoTime();
        ResponseScorer[] used = new ResponseScorer[1];
        List<ResponseScore> scores =
            scoreInGroups(preparer, definition, execution, model, corpus, used);
        double seconds = (System.nanoTime() - started) / 1e9;
        figures.put("student", student.manifest().name());
        figures.put("device", student.runtime().device());
        figures.put("dtype", student.runtime().dtype());
        figures.put(
            "libtorch",
            student.runtime().libtorchVersion() + " (" + student.runtime().libtorchBuild() + ")");
        figures.put("load_seconds", round(loadSeconds));
        figures.put("responses", corpus.size());
        figures.put("scored", scores.stream().filter(ResponseScore::ok).count());
        figures.put("row_tokens", rowTokens);
        figures.put("batch_tokens", batchTokens);
        figures.put("batch_tokens_auto", o.get("--batch-tokens").equals("auto"));
        figures.put("gpu_free_gib_after_load", gib(student.runtime().gpuFreeBytes()));
        figures.put("forward_calls", model.calls.get());
        figures.put("useful_tokens", used[0].usefulTokens());
        figures.put("batch_cells", model.cells.get());
        figures.put("seconds", round(seconds));
        figures.put("tokens_per_second", Math.round(used[0].usefulTokens() / seconds));
        figures.put("batch_cells_per_second", Math.round(model.cells.get() / seconds));
        figures.put("model_seconds", round(model.nanos.get() / 1e9));
        figures.put("share_outside_model", round(1 - model.nanos.get() / 1e9 / seconds));
        figures.put("host_seconds", used[0].hostSeconds());
        figures.put("peak_gpu_used_gib", device.isGpu() ? gib(memory.peak()) : null);
        figures.put("dumped_batches", model.dumped);
        return scores;
      }
    }
  }

  /** The first responses scored again by the reference student; the largest differences. */
  private static Map<String, Object> compare(
      Options o, List<Text> corpus, List<ResponseScore> scores) throws IOException {
    int n = Math.min(corpus.size(), o.integer("--compare-rows"));
    int cap = o.integer("--compare-max-tokens");
    List<Text> first = corpus.subList(0, n);
    // Both sides again with the shorter cap, so that the float32 CPU side stays affordable.
    Map<String, Object> ignored = new LinkedHashMap<>();
    List<ResponseScore> device =
        cap > 0
            ? score(
                o,
                o.path("--student"),
                Device.fromName(o.get("--device")),
                first,
                cap,
                ignored,
                false)
            : scores.subList(0, n);
    StudentCache.jvm().clear();
    List<ResponseScore> reference =
        score(o, o.path("--reference-student"), Device.cpu(), first, cap, ignored, false);
    double lalp = 0;
    double galp = 0;
    for (int i = 0; i < n; i++) {
      ResponseScore a = device.get(i);
      ResponseScore b = reference.get(i);
      if (a.ok() && b.ok()) {
        lalp = Math.max(lalp, Math.abs(a.lalp() - b.lalp()));
        galp = Math.max(galp, Math.abs(a.galp() - b.galp()));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("student", o.get("--reference-student"));
    out.put("responses", n);
    out.put("max_tokens", cap);
    out.put("max_abs_lalp_difference", lalp);
    out.put("max_abs_galp_difference", galp);
    return out;
  }

  private static List<ResponseScore> scoreInGroups(
      ResponsePreparer preparer,
      ScoreDefinition definition,
      Execution execution,
      TokenLogProbModel model,
      List<Text> corpus) {
    return scoreInGroups(preparer, definition, execution, model, corpus, new ResponseScorer[1]);
  }

  /**
   * Prepares and scores GROUP responses at a time in corpus order, the next group prepared while
   * this one is scored, as a task does.
   */
  private static List<ResponseScore> scoreInGroups(
      ResponsePreparer preparer,
      ScoreDefinition definition,
      Execution execution,
      TokenLogProbModel model,
      List<Text> corpus,
      ResponseScorer[] used) {
    ResponseScorer scorer = new ResponseScorer(definition, execution, model);
    used[0] = scorer;
    List<List<Text>> groups = new ArrayList<>();
    for (int from = 0; from < corpus.size(); from += GROUP) {
      groups.add(corpus.subList(from, Math.min(corpus.size(), from + GROUP)));
    }
    List<ResponseScore> out = new ArrayList<>();
    try (PrepareAhead<List<Text>, List<PreparedResponse>> prepared =
        new PrepareAhead<>(
            groups.iterator(),
            group ->
                group.stream()
                    .map(t -> preparer.prepare(t.prompt(), t.response(), StepInput.NONE))
                    .toList(),
            "gpu-check-prepare")) {
      while (prepared.hasNext()) {
        List<PreparedResponse> group = prepared.next();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
          ids.add("row-" + (out.size() + i));
        }
        out.addAll(scorer.score(group, ids));
      }
    }
    return out;
  }

  /**
   * The student, timed per call (a call returns when the log-probs are on the host, so it holds the
   * device's work), writing its first batches out when asked.
   */
  private static final class TimedModel implements TokenLogProbModel {
    private final TokenLogProbModel model;
    private final Path dumpDirectory;
    private final int dumpCount;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong cells = new AtomicLong();
    private int dumped;

    TimedModel(TokenLogProbModel model, Path dumpDirectory, int dumpCount) {
      this.model = model;
      this.dumpDirectory = dumpDirectory;
      this.dumpCount = dumpDirectory == null ? 0 : dumpCount;
    }

    @Override
    public float[] nextTokenLogProbs(PackedBatch batch) {
      long started = System.nanoTime();
      float[] out = model.nextTokenLogProbs(batch);
      nanos.addAndGet(System.nanoTime() - started);
      calls.incrementAndGet();
      cells.addAndGet((long) batch.rows() * batch.length());
      if (dumped < dumpCount) {
        dump(batch, dumped++, (System.nanoTime() - started) / 1e9);
      }
      return out;
    }

    private void dump(PackedBatch batch, int index, double callSeconds) {
      try {
        Files.createDirectories(dumpDirectory);
        Path file = dumpDirectory.resolve(String.format(Locale.ROOT, "batch-%03d.bin", index));
        try (OutputStream out = Files.newOutputStream(file);
            DataOutputStream data = new DataOutputStream(out)) {
          writeInts(data, batch.ids());
          writeInts(data, batch.positions());
          writeInts(data, batch.blocks());
          writeInts(data, batch.sharedBlocks());
          writeInts(data, batch.nextIds());
        }
        JsonObject entry = new JsonObject();
        entry.addProperty("file", file.getFileName().toString());
        entry.addProperty("rows", batch.rows());
        entry.addProperty("length", batch.length());
        entry.addProperty("useful_tokens", batch.usefulTokens());
        entry.addProperty("java_call_seconds", callSeconds);
        Files.writeString(
            dumpDirectory.resolve("batches.jsonl"),
            entry + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Five arrays per batch, each [rows, length] int32 little-endian: ids, positions, blocks, ... */
  private static void writeInts(DataOutputStream out, long[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putInt(Math.toIntExact(v));
    }
    out.write(b.array());
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    out.write(b.array());
  }

  /**
   * The device's memory in use, sampled every 20 ms while open (a sample through nvidia-smi takes
   * longer) (libtorch's allocator holds what it has reserved, so this is what the process keeps,
   * not only live tensors).
   */
  private static final class MemoryWatch implements AutoCloseable {
    private final Device device;
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean open = true;

    MemoryWatch(Device device) {
      this.device = device;
      this.thread = new Thread(this::watch, "gpu-memory-watch");
      thread.setDaemon(true);
      if (device.isGpu()) {
        thread.start();
      }
    }

    private void watch() {
      while (open) {
        peak.accumulateAndGet(GpuMemory.of(device).usedBytes(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void close() {
      open = false;
      if (device.isGpu()) {
        peak.accumulateAndGet(GpuMemory.of(device).usedBytes(), Math::max);
      }
    }
  }

  /** One JSON line per response: its row, LALP, GALP and error. */
  private static void writeScores(Path file, List<ResponseScore> scores) throws IOException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < scores.size(); i++) {
      JsonObject line = new JsonObject();
      line.addProperty("row", i);
      line.addProperty("lalp", scores.get(i).lalp());
      line.addProperty("galp", scores.get(i).galp());
      line.addProperty("error", scores.get(i).error());
      out.append(line).append('\n');
    }
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
  }

  private static List<Text> readCorpus(Path path, int limit) throws IOException {
    List<Text> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
        if (!line.isBlank()) {
          JsonObject n = JsonParser.parseString(line).getAsJsonObject();
          rows.add(new Text(n.get("prompt").getAsString(), n.get("response").getAsString()));
        }
      }
    }
    return rows;
  }

  private static double gib(long bytes) {
    return round(bytes / (double) (1L << 30));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
