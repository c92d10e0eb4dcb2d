package dev.naturalness.spark;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of a Spark struct type written to one Parquet file from inside a task, where Spark's own
 * writer cannot be reached: a task commits its scores as it ends ({@link ResumeCommitter}). The
 * file is laid out as Spark writes one (a list as {@code list/element}), so Spark and any Parquet
 * reader read it back with the same struct type. The types are those score parts use: strings,
 * numbers, booleans, lists and structs.
 */
final class ParquetRows implements AutoCloseable {
  private final StructType schema;
  private final SimpleGroupFactory groups;
  private final ParquetWriter<Group> writer;

  ParquetRows(String path, StructType schema, Configuration hadoop) throws IOException {
    this.schema = schema;
    MessageType message = messageType(schema);
    this.groups = new SimpleGroupFactory(message);
    this.writer =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(new Path(path), hadoop))
            .withType(message)
            .withConf(hadoop)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
  }

  /** Writes one row of the file's struct type; a null value is left out (an optional field). */
  void write(Row row) throws IOException {
    Group g = groups.newGroup();
    putStruct(g, row, schema);
    writer.write(g);
  }

  /** Writes one row given as its fields' values, in the struct type's order. */
  void write(Object... values) throws IOException {
    write(RowFactory.create(values));
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  /** The Parquet schema Spark reads back as {@code schema}. */
  static MessageType messageType(StructType schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (StructField f : schema.fields()) {
      b.addField(type(f.name(), f.dataType(), f.nullable()));
    }
    return b.named("spark_schema");
  }

  private static Type type(String name, DataType t, boolean nullable) {
    Type.Repetition r = nullable ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    if (t instanceof StructType st) {
      Types.GroupBuilder<GroupType> g = Types.buildGroup(r);
      for (StructField f : st.fields()) {
        g.addField(type(f.name(), f.dataType(), f.nullable()));
      }
      return g.named(name);
    }
    if (t instanceof ArrayType at) {
      return Types.buildGroup(r)
          .as(LogicalTypeAnnotation.listType())
          .addField(
              Types.repeatedGroup()
                  .addField(type("element", at.elementType(), at.containsNull()))
                  .named("list"))
          .named(name);
    }
    if (t.equals(DataTypes.StringType)) {
      return Types.primitive(PrimitiveTypeName.BINARY, r)
          .as(LogicalTypeAnnotation.stringType())
          .named(name);
    }
    return Types.primitive(primitive(t), r).named(name);
  }

  private static PrimitiveTypeName primitive(DataType t) {
    if (t.equals(DataTypes.DoubleType)) {
      return PrimitiveTypeName.DOUBLE;
    }
    if (t.equals(DataTypes.FloatType)) {
      return PrimitiveTypeName.FLOAT;
    }
    if (t.equals(DataTypes.IntegerType)) {
      return PrimitiveTypeName.INT32;
    }
    if (t.equals(DataTypes.LongType)) {
      return PrimitiveTypeName.INT64;
    }
    if (t.equals(DataTypes.BooleanType)) {
      return PrimitiveTypeName.BOOLEAN;
    }
    throw new IllegalArgumentException("no Parquet type for " + t.simpleString());
  }

  private static void putStruct(Group g, Row row, StructType st) {
    for (StructField f : st.fields()) {
      // A row built in a task has no schema to look names up in: its struct type's order holds.
      put(g, f.name(), f.dataType(), row.get(st.fieldIndex(f.name())));
    }
  }

  private static void put(Group g, String name, DataType t, Object v) {
    if (v == null) {
      return;
    }
    if (t instanceof StructType st) {
      putStruct(g.addGroup(name), (Row) v, st);
    } else if (t instanceof ArrayType at) {
      Group list = g.addGroup(name);
      List<Object> items = SparkValues.list(v);
      for (Object item : items) {
        put(list.addGroup("list"), "element", at.elementType(), item);
      }
    } else if (v instanceof String s) {
      g.append(name, s);
    } else if (v instanceof Double d) {
      g.append(name, d);
    } else if (v instanceof Float f) {
      g.append(name, f);
    } else if (v instanceof Integer i) {
      g.append(name, i);
    } else if (v instanceof Long l) {
      g.append(name, l);
    } else if (v instanceof Boolean b) {
      g.append(name, b);
    } else {
      throw new IllegalArgumentException(
          "column " + name + " of type " + t.simpleString() + " holds a " + v.getClass());
    }
  }
}
