package dev.naturalness.spark;

import dev.naturalness.data.Fields;
import dev.naturalness.model.HadoopStudentSource;
import dev.naturalness.output.ResumeArea;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a scoring task's rows on unchanged, and commits the parts the model scored for them to the
 * run's work area ({@link ResumeArea}) when the task has given its last row: written to a staging
 * file as the rows go by, renamed into {@code parts/} whole at the end, so that a file there holds
 * all of a finished task's rows or does not exist. A task that fails leaves nothing; a row whose
 * scores were all reused is not written again (it is where it was found). A work area that cannot
 * be written (a full disk, a store that refuses) costs the task its commit, never its scores.
 */
final class ResumeCommitter implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ResumeCommitter.class);

  /** The column of a part's status. */
  private static final String PART_STATUS = "status";

  private final ResumeArea.Target target;
  private final Map<String, String> hadoop;
  private final StructType scores;

  ResumeCommitter(ResumeArea.Target target, Map<String, String> hadoop, StructType scores) {
    this.target = target;
    this.hadoop = hadoop;
    this.scores = scores;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws IOException {
    TaskContext context = TaskContext.get();
    String name =
        context == null
            ? target.file(0, 0, 0)
            : target.file(context.partitionId(), context.stageId(), context.attemptNumber());
    Commit commit = new Commit(name, HadoopStudentSource.configuration(hadoop));
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) c -> commit.abandon());
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        boolean more = rows.hasNext();
        if (!more) {
          commit.finish();
        }
        return more;
      }

      @Override
      public Row next() {
        Row r = rows.next();
        commit.add(r);
        return r;
      }
    };
  }

  /** One task's file: opened at the first row the model scored, renamed into place at the end. */
  private final class Commit {
    private final Path staging;
    private final Path committed;
    private final Configuration conf;
    private ParquetRows writer;
    private long rows;
    private boolean done;
    private boolean failed;

    Commit(String name, Configuration conf) {
      this.staging = new Path(target.staging(), name);
      this.committed = new Path(target.parts(), name);
      this.conf = conf;
    }

    void add(Row r) {
      if (failed || Boolean.TRUE.equals(r.getAs(scores.fieldIndex(Fields.REUSED)))) {
        return;
      }
      List<Row> parts = SparkValues.list(r.get(scores.fieldIndex(ScoreRows.PARTS)));
      if (parts == null) {
        return;
      }
      try {
        for (Row part : parts) {
          if (PartRows.REUSABLE.contains(
              part.<String>getAs(PartRows.SCHEMA.fieldIndex(PART_STATUS)))) {
            write(r, part);
          }
        }
      } catch (IOException | RuntimeException | FSError e) {
        // The scores are what the task is for: the run goes on without this task's commit, and
        // its rows are only scored again if the run is killed.
        LOG.warn(
            "work area: {} cannot be written ({}); this task commits nothing",
            staging,
            e.getMessage());
        failed = true;
        abandon();
      }
    }

    private void write(Row score, Row part) throws IOException {
      if (writer == null) {
        writer = new ParquetRows(staging.toString(), IncrementalCache.STORED, conf);
      }
      Object[] values = new Object[IncrementalCache.STORED.size()];
      values[0] = score.get(scores.fieldIndex(Fields.RESPONSE_ID));
      values[1] = score.get(scores.fieldIndex(Fields.TEXT_SHA));
      int i = 2;
      for (StructField f : PartRows.SCHEMA.fields()) {
        values[i++] = part.get(PartRows.SCHEMA.fieldIndex(f.name()));
      }
      writer.write(values);
      rows++;
    }

    /** The task gave its last row: the file goes into place whole. */
    void finish() {
      if (done) {
        return;
      }
      done = true;
      if (writer == null) {
        return;
      }
      try {
        writer.close();
        writer = null;
        FileSystem fs = committed.getFileSystem(conf);
        fs.mkdirs(committed.getParent());
        if (!fs.rename(staging, committed)) {
          throw new IOException("rename to " + committed + " failed");
        }
        LOG.info("work area: committed {} score parts as {}", rows, committed.getName());
      } catch (IOException | RuntimeException | FSError e) {
        // The run goes on: these rows are only scored again if it is killed.
        LOG.warn("work area: a task's scores could not be committed ({})", e.getMessage());
        abandon();
      }
    }

    /** A task that ended without giving its last row (it failed): its staging file goes. */
    void abandon() {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException | FSError e) {
          LOG.debug("work area: closing an abandoned file", e);
        }
        writer = null;
      }
      if (!done || rowsLeftInStaging()) {
        try {
          staging.getFileSystem(conf).delete(staging, false);
        } catch (IOException | RuntimeException | FSError e) {
          LOG.debug("work area: removing an abandoned file", e);
        }
      }
    }

    private boolean rowsLeftInStaging() {
      try {
        return staging.getFileSystem(conf).exists(staging);
      } catch (IOException | RuntimeException | FSError e) {
        return false;
      }
    }
  }
}
