package dev.naturalness.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's columns in one list, each with its name, its Spark type, and how a record's value goes
 * into a row and comes back out of one: the schema, the record-to-row conversion and its reverse
 * all follow from the list, so a column is one entry. Rows are read back by column name.
 *
 * @param <R> the record a row holds
 * @param <B> the builder that makes a record from a row's values
 */
final class ColumnTable<R, B> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One column: its Spark value from a record, and where a Spark value goes in a builder. */
  interface Reader<R> extends Function<R, Object>, Serializable {}

  interface Writer<B> extends BiConsumer<B, Object>, Serializable {}

  record Column<R, B>(String name, DataType type, boolean nullable, Reader<R> read, Writer<B> write)
      implements Serializable {}

  interface Maker<B> extends Supplier<B>, Serializable {}

  interface Builder<B, R> extends Function<B, R>, Serializable {}

  private final List<Column<R, B>> columns;
  private final Maker<B> maker;
  private final Builder<B, R> builder;

  ColumnTable(List<Column<R, B>> columns, Maker<B> maker, Builder<B, R> builder) {
    this.columns = List.copyOf(columns);
    this.maker = maker;
    this.builder = builder;
  }

  List<Column<R, B>> columns() {
    return columns;
  }

  StructType schema() {
    List<StructField> fields = new ArrayList<>();
    for (Column<R, B> c : columns) {
      fields.add(new StructField(c.name(), c.type(), c.nullable(), Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** The record's values in the table's order, then {@code more}. */
  Object[] values(R record, Object... more) {
    Object[] out = new Object[columns.size() + more.length];
    for (int i = 0; i < columns.size(); i++) {
      out[i] = columns.get(i).read().apply(record);
    }
    System.arraycopy(more, 0, out, columns.size(), more.length);
    return out;
  }

  Row toRow(R record, Object... more) {
    return RowFactory.create(values(record, more));
  }

  /**
   * The record a row holds, read by column name; a column the row lacks (a table written before it
   * existed, or a projection) keeps the builder's default.
   */
  R fromRow(Row row) {
    B b = maker.get();
    StructType schema = row.schema();
    for (Column<R, B> c : columns) {
      if (schema.getFieldIndex(c.name()).isDefined()) {
        c.write().accept(b, row.get(row.fieldIndex(c.name())));
      }
    }
    return builder.apply(b);
  }
}
