package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import dev.naturalness.export.DatasetCard;
import dev.naturalness.export.ExportFormat;
import dev.naturalness.export.Feature;
import dev.naturalness.export.LlamaFactoryInfo;
import dev.naturalness.export.TrainingRows;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Training data from the selection (output.export), each format under {@code export/<format>/} in a
 * Hugging Face dataset's layout that trainers load as it is: {@code
 * data/[<student>/]<split>/<split>-0000i-of-0000N.parquet} (or .jsonl), a README.md card whose YAML
 * names the files, their features and the splits, and, at {@code export/}, LLaMA-Factory's
 * dataset_info.json. Every row carries response_id, prompt_id, teacher, student and the scores; the
 * assistant's text is the scored response, byte for byte. A prompt a format cannot hold is left out
 * of that format only, counted by reason; a held-out split (output.export-test-share) takes the
 * same prompts in every format and student. Nothing else is left under export/: no checksum, marker
 * or staging file.
 */
final class ExportStage {
  static final String DIR = Outputs.EXPORT;
  static final long ROWS_PER_FILE = 200_000;
  static final String TRAIN = "train";
  static final String TEST = "test";
  static final String DATASET_INFO = "dataset_info.json";

  /** Internal columns of a format's rows: why a row is left out (null: kept), and its split. */
  private static final String LEFT_OUT = "_left_out";

  private static final String SPLIT = "_split";

  static final StructType TURN =
      new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
  static final StructType SHAREGPT_TURN =
      new StructType().add("from", DataTypes.StringType).add("value", DataTypes.StringType);
  private static final DataType TURNS = DataTypes.createArrayType(TURN);
  private static final DataType SHAREGPT_TURNS = DataTypes.createArrayType(SHAREGPT_TURN);

  /** A selected response's ids and scores. */
  private static final StructType SCORED =
      new StructType()
          .add(Fields.RESPONSE_ID, DataTypes.StringType)
          .add(Fields.PROMPT_ID, DataTypes.StringType)
          .add(Fields.TEACHER, DataTypes.StringType)
          .add(Fields.STUDENT, DataTypes.StringType)
          .add(Fields.LALP, DataTypes.DoubleType)
          .add(Fields.GALP, DataTypes.DoubleType)
          .add(Fields.MARGIN, DataTypes.DoubleType);

  /** The columns every exported row of one selected response ends with. */
  static final StructType COMMON = SCORED.add(Fields.SELECTION_RANK, DataTypes.IntegerType);

  /** The columns every pair ends with: the chosen's ids and scores, then the rejected's. */
  static final StructType PAIR =
      SCORED
          .add("rejected_response_id", DataTypes.StringType)
          .add("rejected_teacher", DataTypes.StringType)
          .add("rejected_lalp", DataTypes.DoubleType)
          .add("rejected_galp", DataTypes.DoubleType);

  private ExportStage() {}

  /** One selected response, as the formats need it. */
  record Selected(
      String responseId,
      String promptId,
      String teacher,
      String student,
      Double lalp,
      Double galp,
      Double margin,
      int rank,
      List<Turn> prompt,
      String response)
      implements java.io.Serializable {
    static Selected of(Row r) {
      return new Selected(
          r.getAs(Fields.RESPONSE_ID),
          r.getAs(SelectStage.SORT_PROMPT),
          r.getAs("_teacher"),
          r.getAs(Fields.STUDENT),
          r.getAs(Fields.LALP),
          r.getAs(Fields.GALP),
          r.getAs(Fields.MARGIN),
          r.<Integer>getAs(Fields.SELECTION_RANK),
          TrainingRows.prompt(r.getAs(SelectStage.PROMPT_TEXT), turns(r.getAs(Fields.TURNS))),
          r.getAs(SelectStage.RESPONSE_TEXT));
    }

    Object[] common() {
      return new Object[] {responseId, promptId, teacher, student, lalp, galp, margin, rank};
    }
  }

  /** What every format of a run shares: its settings, the card's facts and the output. */
  record Context(
      SparkSession spark,
      Settings.Job settings,
      DatasetCard.Facts facts,
      Outputs outputs,
      String runId,
      List<String> students,
      Consumer<String> warn) {}

  /** Writes every format asked for, then dataset_info.json; what each wrote, for summary.json. */
  static List<RunSummary.Export> write(
      Context c, Dataset<Row> selected, Dataset<Row> scores, Dataset<Row> canonical)
      throws IOException {
    List<RunSummary.Export> out = new ArrayList<>();
    LlamaFactoryInfo info = new LlamaFactoryInfo();
    Set<String> written = new java.util.HashSet<>();
    for (String key : c.settings().output().export()) {
      ExportFormat format = ExportFormat.of(key);
      Dataset<Row> rows =
          withSplit(
                  format.pairs()
                      ? pairs(c.spark(), format, scores, canonical, c.settings().select())
                      : rows(c.spark(), format, selected),
                  c.settings().output())
              .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      try {
        out.add(writeOne(c, format, rows, info, written));
      } finally {
        rows.unpersist();
      }
    }
    if (!info.isEmpty()) {
      c.outputs().writeText(DIR + "/" + DATASET_INFO, info.json());
      written.add(DIR + "/" + DATASET_INFO);
    }
    keepOnly(c.outputs(), written);
    return out;
  }

  private static Dataset<Row> rows(SparkSession spark, ExportFormat format, Dataset<Row> selected) {
    Function<Row, Row> shape =
        r -> {
          Selected s = Selected.of(r);
          Object[] own = values(format, s);
          int n = own.length - 1;
          Object[] all = new Object[n + COMMON.size() + 1];
          System.arraycopy(own, 1, all, 0, n);
          System.arraycopy(s.common(), 0, all, n, COMMON.size());
          all[all.length - 1] = own[0]; // why it is left out, or null
          return RowFactory.create(all);
        };
    return spark.createDataFrame(selected.javaRDD().map(shape), internal(schema(format)));
  }

  /** A format's columns as written (its own, then the common ones). */
  static StructType schema(ExportFormat format) {
    StructType own =
        switch (format) {
          case MESSAGES -> new StructType().add("messages", TURNS);
          case PROMPT_COMPLETION -> new StructType().add("prompt", TURNS).add("completion", TURNS);
          case SHAREGPT -> new StructType().add("conversations", SHAREGPT_TURNS);
          case ALPACA ->
              new StructType()
                  .add("instruction", DataTypes.StringType)
                  .add("input", DataTypes.StringType)
                  .add("output", DataTypes.StringType)
                  .add("system", DataTypes.StringType)
                  .add(
                      "history",
                      DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.StringType)));
          case PAIRS ->
              new StructType().add("prompt", TURNS).add("chosen", TURNS).add("rejected", TURNS);
          case PAIRS_SHAREGPT ->
              new StructType()
                  .add("conversations", SHAREGPT_TURNS)
                  .add("chosen", SHAREGPT_TURN)
                  .add("rejected", SHAREGPT_TURN);
        };
    for (StructField f : (format.pairs() ? PAIR : COMMON).fields()) {
      own = own.add(f);
    }
    return own;
  }

  /** A format's schema with the internal left-out column. */
  private static StructType internal(StructType schema) {
    return schema.add(LEFT_OUT, DataTypes.StringType);
  }

  /**
   * A selected response's values in a format: first why it is left out (null when kept), then the
   * format's own columns (null when left out).
   */
  private static Object[] values(ExportFormat format, Selected s) {
    if (format == ExportFormat.PROMPT_COMPLETION) {
      return new Object[] {
        null, turnRows(s.prompt()), turnRows(List.of(new Turn(Turn.ASSISTANT, s.response())))
      };
    }
    TrainingRows.Alternating a = TrainingRows.alternating(s.prompt());
    int columns = format == ExportFormat.ALPACA ? 5 : 1;
    if (a.prompt() == null) {
      Object[] none = new Object[columns + 1];
      none[0] = a.leftOut();
      return none;
    }
    return switch (format) {
      case MESSAGES ->
          new Object[] {null, turnRows(TrainingRows.messages(a.prompt(), s.response()))};
      case SHAREGPT ->
          new Object[] {null, sharegptRows(TrainingRows.sharegpt(a.prompt(), s.response()))};
      case ALPACA -> {
        TrainingRows.Alpaca alpaca = TrainingRows.alpaca(a.prompt());
        List<String[]> history = new ArrayList<>();
        alpaca.history().forEach(pair -> history.add(pair.toArray(new String[0])));
        yield new Object[] {
          null,
          alpaca.instruction(),
          "",
          s.response(),
          alpaca.system(),
          history.toArray(new String[0][])
        };
      }
      default -> throw new IllegalArgumentException(format.key());
    };
  }

  /**
   * Per student and prompt with at least two candidates of different LALP: the best as chosen and
   * the worst as rejected, each one assistant turn, with both scores and their margin.
   */
  private static Dataset<Row> pairs(
      SparkSession spark,
      ExportFormat format,
      Dataset<Row> scores,
      Dataset<Row> canonical,
      Settings.Select select) {
    Column key =
        struct(
            negate(col(Fields.LALP)).as("k"),
            col(Fields.RESPONSE_ID).as("id"),
            col(Fields.TEACHER).as("teacher"),
            col(Fields.LALP).as("lalp"),
            col(Fields.GALP).as("galp"));
    Dataset<Row> ends =
        scores
            .filter(SelectStage.candidate(select))
            .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
            .agg(min(key).as("best"), max(key).as("worst"), count("*").as("n"))
            .filter(col("n").geq(2).and(col("best.lalp").gt(col("worst.lalp"))));
    Dataset<Row> texts = SelectStage.texts(canonical);
    Dataset<Row> chosen = texts.toDF("_c_id", "_c_prompt", "_c_turns", "_c_response");
    Dataset<Row> rejected = texts.toDF("_r_id", "_r_prompt", "_r_turns", "_r_response");
    Dataset<Row> joined =
        ends.join(chosen, col("best.id").equalTo(col("_c_id")))
            .join(rejected, col("worst.id").equalTo(col("_r_id")));
    Function<Row, Row> shape = r -> pairRow(format, r);
    return spark.createDataFrame(joined.javaRDD().map(shape), internal(schema(format)));
  }

  private static Row pairRow(ExportFormat format, Row r) {
    List<Turn> prompt = TrainingRows.prompt(r.getAs("_c_prompt"), turns(r.getAs("_c_turns")));
    Row best = r.getAs("best");
    Row worst = r.getAs("worst");
    Object[] ids =
        new Object[] {
          best.getAs("id"),
          r.getAs(Fields.PROMPT_ID),
          best.getAs("teacher"),
          r.getAs(Fields.STUDENT),
          best.getAs("lalp"),
          best.getAs("galp"),
          best.<Double>getAs("lalp") - worst.<Double>getAs("lalp"),
          worst.getAs("id"),
          worst.getAs("teacher"),
          worst.getAs("lalp"),
          worst.getAs("galp")
        };
    Object[] own;
    String leftOut = null;
    if (format == ExportFormat.PAIRS) {
      own =
          new Object[] {
            turnRows(prompt),
            turnRows(List.of(new Turn(Turn.ASSISTANT, r.getAs("_c_response")))),
            turnRows(List.of(new Turn(Turn.ASSISTANT, r.getAs("_r_response"))))
          };
    } else {
      TrainingRows.Alternating a = TrainingRows.alternating(prompt);
      leftOut = a.leftOut();
      own =
          a.prompt() == null
              ? new Object[3]
              : new Object[] {
                sharegptRows(TrainingRows.sharegpt(a.prompt(), null)),
                RowFactory.create(TrainingRows.GPT, r.getAs("_c_response")),
                RowFactory.create(TrainingRows.GPT, r.getAs("_r_response"))
              };
    }
    Object[] all = new Object[own.length + ids.length + 1];
    System.arraycopy(own, 0, all, 0, own.length);
    System.arraycopy(ids, 0, all, own.length, ids.length);
    all[all.length - 1] = leftOut;
    return RowFactory.create(all);
  }

  /**
   * The rows with their split: a prompt is held out as test when the first 52 bits of
   * sha256(prompt_id + seed), as a fraction of their range, are below output.export-test-share (the
   * same prompts in every format and student).
   */
  static Dataset<Row> withSplit(Dataset<Row> rows, Settings.Output output) {
    if (output.exportTestShare() <= 0) {
      return rows.withColumn(SPLIT, lit(TRAIN));
    }
    Column fraction =
        conv(
                substring(
                    sha2(
                        concat(col(Fields.PROMPT_ID), lit(String.valueOf(output.exportTestSeed()))),
                        256),
                    1,
                    13),
                16,
                10)
            .cast(DataTypes.DoubleType)
            .divide(lit(Math.pow(2, 52)));
    return rows.withColumn(
        SPLIT, when(fraction.lt(lit(output.exportTestShare())), lit(TEST)).otherwise(lit(TRAIN)));
  }

  /**
   * What a format's rows hold: per student, split and teacher the rows it keeps, and per student
   * the rows it leaves out, by reason.
   */
  private record Counted(
      Map<String, Map<String, Map<String, Long>>> kept, Map<String, Map<String, Long>> leftOut) {
    static Counted of(Dataset<Row> rows) {
      Map<String, Map<String, Long>> leftOut = new TreeMap<>();
      Map<String, Map<String, Map<String, Long>>> kept = new TreeMap<>();
      for (Row r :
          rows.groupBy(col(Fields.STUDENT), col(SPLIT), col(Fields.TEACHER), col(LEFT_OUT))
              .count()
              .collectAsList()) {
        String student = r.getString(0);
        long n = r.getLong(4);
        if (!r.isNullAt(3)) {
          leftOut
              .computeIfAbsent(student, s -> new TreeMap<>())
              .merge(r.getString(3), n, Long::sum);
        } else {
          kept.computeIfAbsent(student, s -> new TreeMap<>())
              .computeIfAbsent(r.getString(1), s -> new TreeMap<>())
              .merge(r.getString(2), n, Long::sum);
        }
      }
      return new Counted(kept, leftOut);
    }
  }

  /**
   * Writes one format: per student and split, files of about {@link #ROWS_PER_FILE} rows sorted by
   * prompt, renamed into the dataset layout; then the card. A format with no row at all is not
   * written, and says why.
   */
  private static RunSummary.Export writeOne(
      Context c, ExportFormat format, Dataset<Row> rows, LlamaFactoryInfo info, Set<String> written)
      throws IOException {
    Counted counted = Counted.of(rows);
    String root = DIR + "/" + format.key();
    c.outputs().remove(root);
    Map<String, String> empty = new LinkedHashMap<>();
    for (String student : c.students()) {
      if (!counted.kept().containsKey(student)) {
        empty.put(student, whyEmpty(format, counted.leftOut().get(student)));
      }
    }
    if (counted.kept().isEmpty()) {
      String why = "not written: no rows (" + String.join("; ", emptyLines(empty)) + ")";
      c.warn().accept("export " + format.key() + " is " + why);
      return new RunSummary.Export(
          format.key(), null, 0, Map.of(), Map.of(), counted.leftOut(), why);
    }
    Map<String, Map<String, DatasetCard.Split>> splits =
        writeSplits(c, format, rows, counted, info, written);
    boolean several = c.students().size() > 1;
    DatasetCard card =
        new DatasetCard(
            format, c.facts(), splits, empty, counted.leftOut(), features(schema(format)), several);
    c.outputs().writeText(root + "/README.md", card.markdown());
    written.add(root + "/README.md");
    for (String line : emptyLines(empty)) {
      c.warn().accept("export " + format.key() + ": " + line);
    }
    return summary(format, c.outputs().path(root), splits, counted.leftOut());
  }

  /** Every student's splits of a format, written; what each holds. */
  private static Map<String, Map<String, DatasetCard.Split>> writeSplits(
      Context c,
      ExportFormat format,
      Dataset<Row> rows,
      Counted counted,
      LlamaFactoryInfo info,
      Set<String> written)
      throws IOException {
    String root = DIR + "/" + format.key();
    boolean several = c.students().size() > 1;
    Dataset<Row> kept = rows.filter(col(LEFT_OUT).isNull()).drop(LEFT_OUT);
    Map<String, Map<String, DatasetCard.Split>> splits = new LinkedHashMap<>();
    for (String student : c.students()) {
      for (String split : List.of(TRAIN, TEST)) {
        Map<String, Long> byTeacher = counted.kept().getOrDefault(student, Map.of()).get(split);
        if (byTeacher == null) {
          continue;
        }
        String folder = "data/" + (several ? student + "/" : "") + split;
        List<String> files = writeFiles(c, kept, root, folder, student, split, total(byTeacher));
        files.forEach(f -> written.add(root + "/" + f));
        splits
            .computeIfAbsent(student, s -> new LinkedHashMap<>())
            .put(split, new DatasetCard.Split(files, byTeacher));
        info.add(format, student, several, split, format.key() + "/" + folder);
      }
    }
    return splits;
  }

  /** summary.json's account of a written format. */
  private static RunSummary.Export summary(
      ExportFormat format,
      String path,
      Map<String, Map<String, DatasetCard.Split>> splits,
      Map<String, Map<String, Long>> leftOut) {
    Map<String, Map<String, Long>> bySplit = new TreeMap<>();
    Map<String, Map<String, Long>> byTeacher = new TreeMap<>();
    long total = 0;
    for (Map.Entry<String, Map<String, DatasetCard.Split>> s : splits.entrySet()) {
      for (Map.Entry<String, DatasetCard.Split> split : s.getValue().entrySet()) {
        bySplit
            .computeIfAbsent(s.getKey(), x -> new TreeMap<>())
            .put(split.getKey(), split.getValue().rows());
        total += split.getValue().rows();
        split
            .getValue()
            .rowsByTeacher()
            .forEach(
                (t, n) ->
                    byTeacher
                        .computeIfAbsent(s.getKey(), x -> new TreeMap<>())
                        .merge(t, n, Long::sum));
      }
    }
    return new RunSummary.Export(format.key(), path, total, byTeacher, bySplit, leftOut, null);
  }

  private static long total(Map<String, Long> byTeacher) {
    return byTeacher.values().stream().mapToLong(Long::longValue).sum();
  }

  private static List<String> emptyLines(Map<String, String> empty) {
    List<String> out = new ArrayList<>();
    empty.forEach((student, why) -> out.add("student " + student + " has no rows: " + why));
    return out;
  }

  /** Why a student has no rows in a format. */
  private static String whyEmpty(ExportFormat format, Map<String, Long> leftOut) {
    if (leftOut != null && !leftOut.isEmpty()) {
      return "every row is left out, as the format cannot hold its prompt (" + leftOut + ")";
    }
    return format.pairs()
        ? "no prompt has two candidates of different LALP that pass select.require"
        : "no response was selected (none passes select.require)";
  }

  /** Writes one student's split into {@code root/folder}; the files, relative to root. */
  private static List<String> writeFiles(
      Context c,
      Dataset<Row> kept,
      String root,
      String folder,
      String student,
      String split,
      long rows)
      throws IOException {
    int parts = (int) Math.max(1, (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE);
    String staging = root + "/_spark-" + c.runId();
    DataFrameWriter<Row> writer =
        kept.filter(col(Fields.STUDENT).equalTo(student).and(col(SPLIT).equalTo(split)))
            .drop(SPLIT)
            .repartition(parts, col(Fields.PROMPT_ID))
            .sortWithinPartitions(Fields.PROMPT_ID, Fields.RESPONSE_ID)
            .write()
            .mode(SaveMode.Overwrite);
    boolean json = c.settings().output().format().equals("json");
    if (json) {
      writer.option("ignoreNullFields", "false").json(c.outputs().tablePath(staging));
    } else {
      writer.parquet(c.outputs().tablePath(staging));
    }
    List<String> files =
        rename(c.outputs(), root, staging, folder, split, json ? "jsonl" : "parquet");
    c.outputs().remove(staging);
    return files;
  }

  /**
   * Spark's part files of a staging directory, moved to {@code folder/<split>-0000i-of-0000N.ext}
   * (a checksum file a local file system keeps beside each stays behind and goes with staging).
   */
  private static List<String> rename(
      Outputs outputs, String root, String staging, String folder, String split, String extension)
      throws IOException {
    Path dir = new Path(outputs.path(staging));
    FileSystem fs = dir.getFileSystem(outputs.configuration());
    FileSystem move = fs instanceof ChecksumFileSystem checked ? checked.getRawFileSystem() : fs;
    List<Path> parts = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.getPath().getName().startsWith("part-")) {
        parts.add(f.getPath());
      }
    }
    parts.sort(java.util.Comparator.comparing(Path::getName));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String name =
          String.format(
              Locale.ROOT, "%s/%s-%05d-of-%05d.%s", folder, split, i, parts.size(), extension);
      Path target = new Path(outputs.path(root + "/" + name));
      fs.mkdirs(target.getParent());
      if (!move.rename(parts.get(i), target)) {
        throw new IOException("cannot move " + parts.get(i) + " to " + target);
      }
      names.add(name);
    }
    return names;
  }

  /**
   * Removes from export/ every file the run did not mean to leave there (a checksum, marker or
   * hidden file a file system or committer wrote), so that consumers that list a folder find data
   * files only.
   */
  private static void keepOnly(Outputs outputs, Set<String> written) throws IOException {
    Path root = new Path(outputs.path(DIR));
    FileSystem fs = root.getFileSystem(outputs.configuration());
    if (!fs.exists(root)) {
      return;
    }
    Set<Path> keep = new java.util.HashSet<>();
    for (String w : written) {
      keep.add(fs.makeQualified(new Path(outputs.path(w))));
    }
    List<Path> extra = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext()) {
      Path p = fs.makeQualified(files.next().getPath());
      if (!keep.contains(p)) {
        extra.add(p);
      }
    }
    for (Path p : extra) {
      fs.delete(p, false);
    }
  }

  /** The card's features from the schema the files are written with. */
  static List<Feature> features(StructType schema) {
    List<Feature> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(feature(f.name(), f.dataType()));
    }
    return out;
  }

  private static Feature feature(String name, DataType type) {
    if (type instanceof StructType s) {
      return Feature.struct(name, features(s));
    }
    if (type instanceof ArrayType a) {
      return Feature.list(name, feature(null, a.elementType()));
    }
    String dtype =
        type.equals(DataTypes.StringType)
            ? "string"
            : type.equals(DataTypes.DoubleType)
                ? "float64"
                : type.equals(DataTypes.IntegerType)
                    ? "int32"
                    : type.equals(DataTypes.LongType)
                        ? "int64"
                        : type.equals(DataTypes.BooleanType) ? "bool" : null;
    if (dtype == null) {
      throw new IllegalArgumentException("no dataset feature for " + type.simpleString());
    }
    return Feature.value(name, dtype);
  }

  private static Row[] turnRows(List<Turn> turns) {
    Row[] out = new Row[turns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = RowFactory.create(turns.get(i).role(), turns.get(i).content());
    }
    return out;
  }

  private static Row[] sharegptRows(List<Turn> turns) {
    return turnRows(turns);
  }

  static List<Turn> turns(Object value) {
    List<Row> rows = SparkValues.list(value);
    if (rows == null) {
      return null;
    }
    List<Turn> out = new ArrayList<>();
    for (Row t : rows) {
      out.add(new Turn(t.getAs("role"), t.getAs("content")));
    }
    return out;
  }
}
