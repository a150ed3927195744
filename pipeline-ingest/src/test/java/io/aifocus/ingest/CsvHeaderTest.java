package io.aifocus.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvHeaderTest {
  @TempDir Path dir;

  @Test
  void splitsQuotedHeadersAndStripsBomAndCr() throws IOException {
    Path file = dir.resolve("h.csv");
    Files.writeString(file, "\uFEFFa,\"b,c\",\"d \"\"e\"\"\"\r\n1,2,3\r\n", StandardCharsets.UTF_8);
    assertThat(CsvHeader.read(new Configuration(), file.toString())).contains(java.util.List.of("a", "b,c", "d \"e\""));
  }

  @Test
  void readsGzipAndEmptyFiles() throws IOException {
    Path gz = dir.resolve("h.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(CsvHeader.read(new Configuration(), gz.toString())).contains(java.util.List.of("x", "y"));
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    assertThat(CsvHeader.read(new Configuration(), empty.toString())).isEmpty();
  }

  @Test
  void emptyAndDuplicatedNamesAreMalformedHeaders() throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "a,,c\n");
    assertThatThrownBy(() -> CsvHeader.read(new Configuration(), file.toString()))
        .isInstanceOf(PipelineException.class)
        .hasMessage("AIF-1003 MALFORMED_HEADER: " + file + ":1:2: header column 2 has no name");
  }

  @Test
  void aMissingCommaBetweenTwoHeaderNamesIsAClearErrorNotShiftedColumns() throws IOException {
    Path file = dir.resolve("typo.csv");
    Files.writeString(file, "bill_payer_account_id,line_item_usage_account_idline_item_line_item_type,cost\n"
        + "111122223333,444455556666,Usage,1.5\n");
    assertThatThrownBy(() -> CsvHeader.read(new Configuration(), file.toString()))
        .isInstanceOf(PipelineException.class)
        .hasMessage("AIF-1003 MALFORMED_HEADER: " + file + ":2: the first record has 4 fields but the header names 3"
            + " columns; is a comma missing between two header names? (header: 'bill_payer_account_id,"
            + "line_item_usage_account_idline_item_line_item_type,cost')");
    // fewer fields (a quoted value spanning lines, or trailing empty cells cut off) is left to the record check
    Path multiline = dir.resolve("multiline.csv");
    Files.writeString(multiline, "a,b,c\n1,\"two\nlines\",3\n");
    assertThat(CsvHeader.read(new Configuration(), multiline.toString())).contains(java.util.List.of("a", "b", "c"));
  }
}
