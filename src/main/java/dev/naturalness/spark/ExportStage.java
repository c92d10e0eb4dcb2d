package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.OutputFormat;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import dev.naturalness.export.DatasetCard;
import dev.naturalness.export.ExportFormat;
import dev.naturalness.export.ExportRow;
import dev.naturalness.export.Feature;
import dev.naturalness.export.LlamaFactoryInfo;
import dev.naturalness.export.PairFormat;
import dev.naturalness.export.ResponseFormat;
import dev.naturalness.export.SelectedResponse;
import dev.naturalness.export.TrainingFormat;
import dev.naturalness.export.TrainingRows;
import dev.naturalness.output.ExportFiles;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.ExportSummaries;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Training data from the selection (output.export), each format under {@code export/<format>/} in a
 * Hugging Face dataset's layout that trainers load as it is: {@code
 * data/[<student>/]<split>/<split>-0000i-of-0000N.parquet} (or .jsonl), a README.md card whose YAML
 * names the files, their features and the splits, and, at {@code export/}, LLaMA-Factory's
 * dataset_info.json. What a format's rows hold is the format's own business (export/); this stage
 * makes them with Spark, splits them, writes and counts them. A prompt a format cannot hold is left
 * out of that format only, counted by reason; a held-out split (output.export-test-share) takes the
 * same prompts in every format and student. Nothing else is left under export/ ({@link
 * ExportFiles}).
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

  private ExportStage() {}

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
    Set<String> written = new HashSet<>();
    for (ExportFormat format : c.settings().output().export()) {
      Dataset<Row> rows =
          withSplit(
                  rows(c.spark(), format.format(), selected, scores, canonical, c.settings()),
                  c.settings().output())
              .persist(StorageLevel.MEMORY_AND_DISK());
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
    ExportFiles.keepOnly(c.outputs(), DIR, written);
    return out;
  }

  /**
   * A format's rows, in its schema with the internal left-out column: one per selected response, or
   * one per preference pair chosen beside the selection ({@link SelectPairs}).
   */
  private static Dataset<Row> rows(
      SparkSession spark,
      TrainingFormat format,
      Dataset<Row> selected,
      Dataset<Row> scores,
      Dataset<Row> canonical,
      Settings.Job settings) {
    List<Feature> schema = format.schema();
    Function<Row, Row> shape;
    Dataset<Row> from;
    if (format instanceof PairFormat pairs) {
      shape = r -> written(schema, pairs.rowOfPair(SelectPairs.of(r)));
      from = SelectPairs.pairs(scores, canonical, settings.select());
    } else {
      ResponseFormat responses = (ResponseFormat) format;
      shape = r -> written(schema, responses.row(selected(r)));
      from = selected;
    }
    return spark.createDataFrame(from.javaRDD().map(shape), internal(format));
  }

  private static Row written(List<Feature> schema, ExportRow row) {
    return SparkFeatures.row(schema, row.values(), row.leftOut());
  }

  /** A format's schema as written (its own columns, then the common ones). */
  static StructType schema(TrainingFormat format) {
    return SparkFeatures.schema(format.schema());
  }

  /** A format's schema with the internal left-out column. */
  private static StructType internal(TrainingFormat format) {
    return schema(format).add(LEFT_OUT, DataTypes.StringType);
  }

  /** A row of the selection, as the formats read it. */
  static SelectedResponse selected(Row r) {
    return new SelectedResponse(
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
        String student = r.getAs(Fields.STUDENT);
        long n = r.<Long>getAs("count");
        String reason = r.getAs(LEFT_OUT);
        if (reason != null) {
          leftOut.computeIfAbsent(student, s -> new TreeMap<>()).merge(reason, n, Long::sum);
        } else {
          kept.computeIfAbsent(student, s -> new TreeMap<>())
              .computeIfAbsent(r.getAs(SPLIT), s -> new TreeMap<>())
              .merge(r.getAs(Fields.TEACHER), n, Long::sum);
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
      return ExportSummaries.notWritten(format.key(), counted.leftOut(), why);
    }
    Map<String, Map<String, DatasetCard.Split>> splits =
        writeSplits(c, format, rows, counted, info, written);
    boolean several = c.students().size() > 1;
    DatasetCard card =
        new DatasetCard(
            format, c.facts(), splits, empty, counted.leftOut(), format.format().schema(), several);
    c.outputs().writeText(root + "/README.md", card.markdown());
    written.add(root + "/README.md");
    for (String line : emptyLines(empty)) {
      c.warn().accept("export " + format.key() + ": " + line);
    }
    return ExportSummaries.written(format.key(), c.outputs().path(root), splits, counted.leftOut());
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
        info.add(format.format(), student, several, split, format.key() + "/" + folder);
      }
    }
    return splits;
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
    boolean json = c.settings().output().format() == OutputFormat.JSON;
    if (json) {
      writer.option("ignoreNullFields", "false").json(c.outputs().tablePath(staging));
    } else {
      writer.parquet(c.outputs().tablePath(staging));
    }
    List<String> files =
        ExportFiles.rename(c.outputs(), root, staging, folder, split, json ? "jsonl" : "parquet");
    c.outputs().remove(staging);
    return files;
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
