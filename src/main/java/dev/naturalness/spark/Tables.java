package dev.naturalness.spark;

import dev.naturalness.config.OutputFormat;
import dev.naturalness.output.Outputs;
import java.io.IOException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** Writes the output's tables (scores/, teachers/, selected/) in the output's format. */
final class Tables {
  private Tables() {}

  static void write(Dataset<Row> table, Outputs outputs, String name) throws IOException {
    String path = outputs.tablePath(name);
    DataFrameWriter<Row> writer = table.write().mode(SaveMode.Overwrite);
    if (outputs.format() == OutputFormat.JSON) {
      // Null fields kept: every JSON line has every column, as a Parquet row does.
      writer.option("ignoreNullFields", "false").json(path);
    } else {
      writer.parquet(path);
    }
  }
}
