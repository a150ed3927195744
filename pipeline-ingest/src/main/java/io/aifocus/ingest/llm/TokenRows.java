package io.aifocus.ingest.llm;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.RawColumns;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.ingest.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The reader side of token sources: which token-type rows a usage record yields, how many tokens each row
 * has, and the priced usage of a row (the input total of the reconciliation), computed from raw values.
 */
final class TokenRows {
  /** Source option naming the price book file; set by the runner from the config. */
  static final String PRICE_BOOK_OPTION = "price-book";
  /** Hidden columns of the reader's own pricing; the normalizer never reads them. */
  static final String READER_PRICE_INDEX = "_aif_reader_price_index";
  static final String READER_PRICED_USAGE = "_aif_reader_priced_usage";

  /**
   * One token type of a record.
   *
   * @param raw the raw field the row exists for (null: the row always exists)
   * @param tokens the row's token count
   */
  record Count(TokenType type, Column raw, Column tokens) {}

  private TokenRows() {}

  /**
   * The token types of one record: a type with {@code raw == null} always, others when the raw value is
   * present and not 0 (an unparsable value is present, so its row is quarantined, not dropped); a single
   * null for a corrupt record (one quarantine row).
   */
  static Column types(List<Count> counts) {
    List<Column> out = new ArrayList<>();
    for (Count c : counts) {
      if (c.raw() == null) {
        out.add(lit(c.type().id()));
      } else {
        Column parsed = Values.decimal(c.raw());
        out.add(when(Values.text(c.raw()).isNotNull().and(parsed.isNull().or(parsed.notEqual(lit(0)))),
            lit(c.type().id())));
      }
    }
    Column types = filter(array(out.toArray(Column[]::new)), Column::isNotNull);
    return when(col(RawColumns.CORRUPT_RECORD).isNotNull(), array(lit(null).cast(DataTypes.StringType)))
        .otherwise(types);
  }

  /** Tokens of the row's token type. */
  static Column tokens(List<Count> counts) {
    Column type = col(RawColumns.TOKEN_TYPE);
    Column out = lit(null).cast(DataTypes.createDecimalType(38, 12));
    for (Count c : counts) {
      out = when(type.equalTo(lit(c.type().id())), c.tokens()).otherwise(out);
    }
    return out;
  }

  static PriceBook priceBook(SourceSpec spec) {
    return spec.options().containsKey(PRICE_BOOK_OPTION)
        ? PriceBook.load(Path.of(spec.options().get(PRICE_BOOK_OPTION))) : PriceBook.empty();
  }
}
