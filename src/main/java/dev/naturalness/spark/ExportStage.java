package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import dev.naturalness.export.DatasetCard;
import dev.naturalness.export.TrainingRows;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Training data from the selection (output.export), each format under {@code export/<format>/} in a
 * Hugging Face dataset's layout: {@code data/train-0000i-of-0000N.parquet} (or .jsonl) and a
 * README.md card whose YAML header names the files, so that {@code load_dataset} on the folder
 * works as it is; a run with several students has a config per student ({@code data/<student>/}).
 * Every row carries response_id, prompt_id, teacher, student and the scores; the assistant's last
 * turn is the scored response, byte for byte.
 */
final class ExportStage {
  static final String DIR = Outputs.EXPORT;
  static final long ROWS_PER_FILE = 200_000;

  static final StructType TURN =
      new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
  static final StructType SHAREGPT_TURN =
      new StructType().add("from", DataTypes.StringType).add("value", DataTypes.StringType);
  private static final DataType TURNS = DataTypes.createArrayType(TURN);

  /** The columns every exported row ends with. */
  static final StructType COMMON =
      new StructType()
          .add(Fields.RESPONSE_ID, DataTypes.StringType)
          .add(Fields.PROMPT_ID, DataTypes.StringType)
          .add(Fields.TEACHER, DataTypes.StringType)
          .add(Fields.STUDENT, DataTypes.StringType)
          .add(Fields.LALP, DataTypes.DoubleType)
          .add(Fields.GALP, DataTypes.DoubleType)
          .add(Fields.MARGIN, DataTypes.DoubleType)
          .add(Fields.SELECTION_RANK, DataTypes.IntegerType);

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

  /** Writes every format asked for; what each wrote, for summary.json and the report. */
  static List<RunSummary.Export> write(
      SparkSession spark,
      Dataset<Row> selected,
      Dataset<Row> scores,
      Dataset<Row> canonical,
      Settings.Job settings,
      DatasetCard.Facts facts,
      Outputs outputs,
      String runId)
      throws IOException {
    List<RunSummary.Export> out = new ArrayList<>();
    for (String format : settings.output().export()) {
      Dataset<Row> rows =
          format.equals("pairs")
              ? pairs(spark, scores, canonical, settings.select())
              : rows(spark, selected, format);
      out.add(writeOne(rows, format, settings.output().format(), facts, outputs, runId));
    }
    return out;
  }

  private static Dataset<Row> rows(SparkSession spark, Dataset<Row> selected, String format) {
    StructType schema = schema(format);
    Function<Row, Row> shape =
        r -> {
          Selected s = Selected.of(r);
          return RowFactory.create(concat(values(format, s), s.common()));
        };
    return spark.createDataFrame(selected.javaRDD().map(shape), schema);
  }

  /** A format's own columns, then the common ones. */
  static StructType schema(String format) {
    StructType own =
        switch (format) {
          case "messages" -> new StructType().add("messages", TURNS);
          case "prompt-completion" ->
              new StructType().add("prompt", TURNS).add("completion", TURNS);
          case "sharegpt" ->
              new StructType()
                  .add("conversations", DataTypes.createArrayType(SHAREGPT_TURN))
                  .add("system", DataTypes.StringType);
          case "alpaca" ->
              new StructType()
                  .add("instruction", DataTypes.StringType)
                  .add("input", DataTypes.StringType)
                  .add("output", DataTypes.StringType)
                  .add("system", DataTypes.StringType)
                  .add(
                      "history",
                      DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.StringType)));
          default -> throw new IllegalArgumentException(format);
        };
    for (var f : COMMON.fields()) {
      own = own.add(f);
    }
    return own;
  }

  private static Object[] values(String format, Selected s) {
    return switch (format) {
      case "messages" -> new Object[] {turnRows(TrainingRows.messages(s.prompt(), s.response()))};
      case "prompt-completion" ->
          new Object[] {
            turnRows(s.prompt()), turnRows(List.of(new Turn(Turn.ASSISTANT, s.response())))
          };
      case "sharegpt" ->
          new Object[] {
            turnRows(TrainingRows.sharegpt(s.prompt(), s.response())),
            TrainingRows.system(s.prompt())
          };
      case "alpaca" -> {
        TrainingRows.Alpaca a = TrainingRows.alpaca(s.prompt());
        List<String[]> history = new ArrayList<>();
        a.history().forEach(pair -> history.add(pair.toArray(new String[0])));
        yield new Object[] {
          a.instruction(), "", s.response(), a.system(), history.toArray(new String[0][])
        };
      }
      default -> throw new IllegalArgumentException(format);
    };
  }

  /**
   * Per student and prompt with at least two candidates of different LALP: the best as chosen and
   * the worst as rejected, each a conversation that ends with its response, with both scores and
   * their margin (DPO-style preference data).
   */
  private static Dataset<Row> pairs(
      SparkSession spark, Dataset<Row> scores, Dataset<Row> canonical, Settings.Select select) {
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
    Function<Row, Row> shape =
        r -> {
          List<Turn> prompt = TrainingRows.prompt(r.getAs("_c_prompt"), turns(r.getAs("_c_turns")));
          Row best = r.getAs("best");
          Row worst = r.getAs("worst");
          double margin = best.<Double>getAs("lalp") - worst.<Double>getAs("lalp");
          return RowFactory.create(
              turnRows(prompt),
              turnRows(List.of(new Turn(Turn.ASSISTANT, r.getAs("_c_response")))),
              turnRows(List.of(new Turn(Turn.ASSISTANT, r.getAs("_r_response")))),
              best.getAs("id"),
              r.getAs(Fields.PROMPT_ID),
              best.getAs("teacher"),
              r.getAs(Fields.STUDENT),
              best.getAs("lalp"),
              best.getAs("galp"),
              margin,
              worst.getAs("id"),
              worst.getAs("teacher"),
              worst.getAs("lalp"),
              worst.getAs("galp"));
        };
    StructType schema =
        new StructType()
            .add("prompt", TURNS)
            .add("chosen", TURNS)
            .add("rejected", TURNS)
            .add(Fields.RESPONSE_ID, DataTypes.StringType)
            .add(Fields.PROMPT_ID, DataTypes.StringType)
            .add(Fields.TEACHER, DataTypes.StringType)
            .add(Fields.STUDENT, DataTypes.StringType)
            .add(Fields.LALP, DataTypes.DoubleType)
            .add(Fields.GALP, DataTypes.DoubleType)
            .add(Fields.MARGIN, DataTypes.DoubleType)
            .add("rejected_response_id", DataTypes.StringType)
            .add("rejected_teacher", DataTypes.StringType)
            .add("rejected_lalp", DataTypes.DoubleType)
            .add("rejected_galp", DataTypes.DoubleType);
    return spark.createDataFrame(joined.javaRDD().map(shape), schema);
  }

  /**
   * Writes one format: per student, files of about {@link #ROWS_PER_FILE} rows sorted by prompt,
   * renamed into the dataset layout, then the card.
   */
  private static RunSummary.Export writeOne(
      Dataset<Row> rows,
      String format,
      String fileFormat,
      DatasetCard.Facts facts,
      Outputs outputs,
      String runId)
      throws IOException {
    Map<String, Map<String, Long>> byTeacher = new TreeMap<>();
    for (Row r : rows.groupBy(col(Fields.STUDENT), col(Fields.TEACHER)).count().collectAsList()) {
      byTeacher
          .computeIfAbsent(r.getAs(Fields.STUDENT), s -> new TreeMap<>())
          .put(r.getAs(Fields.TEACHER), r.<Long>getAs("count"));
    }
    String root = DIR + "/" + format;
    outputs.remove(root);
    String extension = fileFormat.equals("json") ? "jsonl" : "parquet";
    Map<String, List<String>> files = new LinkedHashMap<>();
    boolean several = byTeacher.size() > 1;
    for (Map.Entry<String, Map<String, Long>> student : byTeacher.entrySet()) {
      long n = student.getValue().values().stream().mapToLong(Long::longValue).sum();
      int parts = (int) Math.max(1, (n + ROWS_PER_FILE - 1) / ROWS_PER_FILE);
      String staging = root + "/_spark-" + runId;
      DataFrameWriter<Row> writer =
          rows.filter(col(Fields.STUDENT).equalTo(student.getKey()))
              .repartition(parts, col(Fields.PROMPT_ID))
              .sortWithinPartitions(Fields.PROMPT_ID, Fields.RESPONSE_ID)
              .write()
              .mode(SaveMode.Overwrite);
      if (fileFormat.equals("json")) {
        writer.option("ignoreNullFields", "false").json(outputs.tablePath(staging));
      } else {
        writer.parquet(outputs.tablePath(staging));
      }
      String data = "data/" + (several ? student.getKey() + "/" : "");
      files.put(student.getKey(), rename(outputs, root, staging, data, extension));
      outputs.remove(staging);
    }
    DatasetCard card = new DatasetCard(format, facts, byTeacher, files, several);
    outputs.writeText(root + "/README.md", card.markdown());
    if (format.equals("sharegpt")) {
      outputs.writeText(root + "/dataset_info.json", card.llamaFactoryInfo());
    }
    long total =
        byTeacher.values().stream()
            .flatMap(m -> m.values().stream())
            .mapToLong(Long::longValue)
            .sum();
    return new RunSummary.Export(format, outputs.path(root), total, byTeacher);
  }

  /** Spark's part files of a staging directory, renamed {@code data/train-0000i-of-0000N.ext}. */
  private static List<String> rename(
      Outputs outputs, String root, String staging, String data, String extension)
      throws IOException {
    Path dir = new Path(outputs.path(staging));
    FileSystem fs = dir.getFileSystem(outputs.configuration());
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
          String.format(Locale.ROOT, "%strain-%05d-of-%05d.%s", data, i, parts.size(), extension);
      Path target = new Path(outputs.path(root + "/" + name));
      fs.mkdirs(target.getParent());
      if (!fs.rename(parts.get(i), target)) {
        throw new IOException("cannot move " + parts.get(i) + " to " + target);
      }
      names.add(name);
    }
    return names;
  }

  private static Row[] turnRows(List<Turn> turns) {
    Row[] out = new Row[turns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = RowFactory.create(turns.get(i).role(), turns.get(i).content());
    }
    return out;
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

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] out = new Object[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
