package org.signsgd.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.signsgd.data.SyntheticRegression;
import org.signsgd.model.GradientModel;
import org.signsgd.model.Regression;

/**
 * f* for the suboptimality gap f − f*: the closed form where a model has one (the quadratic: 0), else Spark
 * MLlib's unregularised L-BFGS solution on the same training set (LinearRegression / LogisticRegression),
 * evaluated with the model's own objective.
 */
public final class Optimum {
  private Optimum() {}

  public static double of(SparkSession spark, GradientModel model) {
    if (!(model instanceof Regression regression)) {
      return model.knownOptimum();
    }
    SyntheticRegression data = regression.data();
    Dataset<Row> train = frame(spark, data.trainFeatures(), data.trainLabels());
    double[] coefficients;
    double intercept;
    if (regression.name().equals("linear")) {
      LinearRegressionModel fit = new LinearRegression().setRegParam(0).setSolver("l-bfgs")
          .setStandardization(false).setMaxIter(500).setTol(1e-12).fit(train);
      coefficients = fit.coefficients().toArray();
      intercept = fit.intercept();
    } else {
      LogisticRegressionModel fit = new LogisticRegression().setRegParam(0).setFamily("binomial")
          .setStandardization(false).setMaxIter(500).setTol(1e-12).fit(train);
      coefficients = fit.coefficients().toArray();
      intercept = fit.intercept();
    }
    float[] w = new float[model.dimension()];
    for (int j = 0; j < coefficients.length; j++) {
      w[j] = (float) coefficients[j];
    }
    w[coefficients.length] = (float) intercept;
    return model.loss(w);
  }

  private static Dataset<Row> frame(SparkSession spark, float[][] x, float[] y) {
    List<Row> rows = new ArrayList<>(x.length);
    for (int i = 0; i < x.length; i++) {
      double[] xi = new double[x[i].length];
      for (int j = 0; j < xi.length; j++) {
        xi[j] = x[i][j];
      }
      rows.add(RowFactory.create(new DenseVector(xi), (double) y[i]));
    }
    StructType schema = new StructType().add("features", new VectorUDT(), false)
        .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema);
  }
}
