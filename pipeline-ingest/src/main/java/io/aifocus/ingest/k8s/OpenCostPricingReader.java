package io.aifocus.ingest.k8s;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.ingest.CsvHeader;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.SparkFiles;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads OpenCost custom pricing CSV files (sources/opencost-pricing.yaml) as strings, header checked: a missing
 * required column fails the run naming file and column.
 */
public final class OpenCostPricingReader {
  public static final String KIND = "opencost-pricing";

  private OpenCostPricingReader() {}

  public static Dataset<Row> read(SparkSession spark, String path) {
    RawSchema schema = RawSchema.load(KIND);
    Dataset<Row> all = null;
    for (String file : InputFiles.list(spark, path)) {
      List<String> header = CsvHeader.read(spark.sparkContext().hadoopConfiguration(), file)
          .orElseThrow(() -> new PipelineException(PipelineErrorCode.MALFORMED_HEADER, file + ": empty file, expected the OpenCost pricing header"));
      for (RawColumn c : schema.columns()) {
        if (c.required() && !header.contains(c.name())) {
          throw new PipelineException(PipelineErrorCode.MISSING_REQUIRED_COLUMN,
              file + ":1: missing required column '" + c.name() + "' (OpenCost custom pricing CSV)");
        }
      }
      Dataset<Row> rows = SparkFiles.csv(spark, file, header);
      all = all == null ? rows : all.unionByName(rows, true);
    }
    return all;
  }
}
