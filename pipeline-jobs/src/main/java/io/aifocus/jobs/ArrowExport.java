package io.aifocus.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * Writes a table as one Arrow IPC file (the "file" format, {@code .arrow}) with Apache Arrow Java, in batches of
 * {@link #BATCH_ROWS} rows streamed from Spark: strings as Utf8, decimals as Decimal128 of the same precision and
 * scale (exact), timestamps as microseconds in UTC, dates as days; other types as their string form.
 */
final class ArrowExport {
  static final int BATCH_ROWS = 10_000;

  private ArrowExport() {}

  static long write(Dataset<Row> table, String file) {
    List<StructField> columns = List.of(table.schema().fields());
    List<Field> fields = new ArrayList<>();
    for (StructField c : columns) {
      fields.add(new Field(c.name(), new FieldType(true, arrowType(c.dataType()), null), null));
    }
    Path path = new Path(file);
    long rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        OutputStream out = FileSystem.get(path.toUri(), table.sparkSession().sparkContext().hadoopConfiguration())
            .create(path, true);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      Iterator<Row> it = table.toLocalIterator();
      do {
        root.allocateNew();
        int n = 0;
        while (n < BATCH_ROWS && it.hasNext()) {
          Row row = it.next();
          for (int c = 0; c < columns.size(); c++) {
            set(root.getVector(c), n, row.get(c));
          }
          n++;
        }
        root.setRowCount(n);
        writer.writeBatch();
        rows += n;
      } while (it.hasNext());
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return rows;
  }

  static ArrowType arrowType(DataType type) {
    if (type instanceof DecimalType d) {
      return new ArrowType.Decimal(d.precision(), d.scale(), 128);
    }
    if (type.equals(DataTypes.TimestampType)) {
      return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
    }
    if (type.equals(DataTypes.DateType)) {
      return new ArrowType.Date(DateUnit.DAY);
    }
    if (type.equals(DataTypes.LongType)) {
      return new ArrowType.Int(64, true);
    }
    if (type.equals(DataTypes.IntegerType)) {
      return new ArrowType.Int(32, true);
    }
    if (type.equals(DataTypes.BooleanType)) {
      return ArrowType.Bool.INSTANCE;
    }
    return ArrowType.Utf8.INSTANCE; // anything else as text: no floating point on the way (money is Decimal128)
  }

  private static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
      return;
    }
    if (vector instanceof DecimalVector v) {
      v.setSafe(index, ((BigDecimal) value).setScale(v.getScale(), RoundingMode.UNNECESSARY));
    } else if (vector instanceof TimeStampMicroTZVector v) {
      Instant t = value instanceof java.sql.Timestamp ts ? ts.toInstant() : (Instant) value;
      v.setSafe(index, ChronoUnit.MICROS.between(Instant.EPOCH, t));
    } else if (vector instanceof DateDayVector v) {
      LocalDate d = value instanceof java.sql.Date sd ? sd.toLocalDate() : (LocalDate) value;
      v.setSafe(index, (int) d.toEpochDay());
    } else if (vector instanceof BigIntVector v) {
      v.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof BitVector v) {
      v.setSafe(index, ((Boolean) value) ? 1 : 0);
    } else {
      ((VarCharVector) vector).setSafe(index, TablePrinter.cell(value).getBytes(StandardCharsets.UTF_8));
    }
  }
}
