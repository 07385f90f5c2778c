package org.signsgd.metrics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's columns defined once, by the row record that holds them: each component is a column, named in snake
 * case ({@code gradNormL1} → {@code grad_norm_l1}), in declaration order, nullable exactly when its type is a boxed
 * number or boolean, or text marked {@link Nullable} (other text is never null).
 */
final class RecordColumns {
  private static final Map<Class<?>, DataType> TYPES = Map.ofEntries(
      Map.entry(String.class, DataTypes.StringType), Map.entry(long.class, DataTypes.LongType),
      Map.entry(Long.class, DataTypes.LongType), Map.entry(int.class, DataTypes.IntegerType),
      Map.entry(Integer.class, DataTypes.IntegerType), Map.entry(double.class, DataTypes.DoubleType),
      Map.entry(Double.class, DataTypes.DoubleType), Map.entry(boolean.class, DataTypes.BooleanType),
      Map.entry(Boolean.class, DataTypes.BooleanType));

  private RecordColumns() {}

  static StructType schema(Class<? extends Record> type) {
    RecordComponent[] parts = type.getRecordComponents();
    StructField[] fields = new StructField[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Class<?> t = parts[i].getType();
      DataType dt = TYPES.get(t);
      if (dt == null) {
        throw new IllegalStateException(type.getSimpleName() + "." + parts[i].getName() + " has type "
            + t.getSimpleName() + ", which no column type stands for");
      }
      boolean nullable = t == String.class ? parts[i].isAnnotationPresent(Nullable.class) : !t.isPrimitive();
      fields[i] = DataTypes.createStructField(snake(parts[i].getName()), dt, nullable);
    }
    return new StructType(fields);
  }

  static Row row(Record r) {
    RecordComponent[] parts = r.getClass().getRecordComponents();
    Object[] values = new Object[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        values[i] = parts[i].getAccessor().invoke(r);
      }
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + ": " + e, e);
    }
    return RowFactory.create(values);
  }

  /** {@code gradNormL1} → {@code grad_norm_l1}. */
  static String snake(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
