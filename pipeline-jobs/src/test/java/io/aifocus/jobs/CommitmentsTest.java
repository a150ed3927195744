package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import io.aifocus.api.credits.Grant;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code commitments} config key: YAML list, CSV file, and the messages of bad entries. No Spark. */
class CommitmentsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aCsvFileNamedByTheConfigGivesTheSameGrantsAsAYamlList() throws IOException {
    write("grants.csv", """
        # id,contract,...
        id,contract-id,provider,billing-account,team,amount,unit,price-paid,currency,start,expiry,priority,rollover-until,rollover-max
        pack,c1,Anthropic,acct,helpdesk,500000000,Tokens,1200.50,USD,2026-11-01,2027-11-01,1,2027-12-01,1000
        credit,c1,OpenAI,acct,,50000,USD,45000,USD,2026-11-01,2027-01-01,,,
        """);
    Path config = write("run.yaml", "commitments: grants.csv\n");
    List<Grant> grants = JobConfig.fromYaml(config).commitments();
    assertThat(grants).extracting(Grant::id).containsExactly("pack", "credit");
    Grant pack = grants.get(0);
    assertThat(pack.amount()).isEqualTo(new BigDecimal("500000000"));
    assertThat(pack.pricePaid()).isEqualTo(new BigDecimal("1200.50"));
    assertThat(pack.tokens()).isTrue();
    assertThat(pack.scope().team()).contains("helpdesk");
    assertThat(pack.end()).isEqualTo(LocalDate.of(2027, 12, 1));
    assertThat(pack.rollover().orElseThrow().max()).contains(new BigDecimal("1000"));
    assertThat(pack.source()).isEqualTo(dir.resolve("grants.csv").toString());
    Grant credit = grants.get(1);
    assertThat(credit.priority()).isEqualTo(100);
    assertThat(credit.scope().team()).isEmpty();
    assertThat(credit.rollover()).isEmpty();

    Path yaml = write("list.yaml", """
        commitments:
          - {id: credit, contract-id: c1, provider: OpenAI, billing-account: acct, amount: 50000.10, unit: USD,
             price-paid: 45000, currency: USD, start: 2026-11-01, expiry: 2027-01-01}
        """);
    assertThat(JobConfig.fromYaml(yaml).commitments().get(0).amount()).isEqualByComparingTo("50000.10");
  }

  @Test
  void badEntriesFailNamingFileEntryAndKey() throws IOException {
    Path unknown = write("a.yaml", "commitments:\n  - {id: g, amout: 5}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(unknown)).isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-9001").hasMessageContaining(unknown + ": commitments[0]")
        .hasMessageContaining("amout");
    Path missing = write("b.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, amount: 5}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(missing))
        .hasMessageContaining(missing + ": commitments[0] (g): 'billing-account' is required");
    Path badUnit = write("c.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, billing-account: a,"
        + " amount: 5, unit: Credits, currency: USD, start: 2026-11-01, expiry: 2026-12-01}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badUnit))
        .hasMessageContaining(badUnit + ": commitments[0] (g): Invalid unit value for 'Credits': a virtual currency needs"
            + " its value in USD per unit (> 0, at most 12 decimals), e.g. 0.01");
    Path credits = write("c2.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, billing-account: a,"
        + " amount: 5000, unit: Credits, unit-value: 0.01, currency: USD, start: 2026-11-01, expiry: 2026-12-01}\n");
    Grant g = JobConfig.fromYaml(credits).commitments().get(0);
    assertThat(g.unitValue()).contains(new BigDecimal("0.01"));
    assertThat(g.faceValue().orElseThrow()).isEqualByComparingTo("50");
    assertThat(g.virtualCurrency()).isTrue();
    Path badValue = write("c3.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, billing-account: a,"
        + " amount: 5, unit: Credits, unit-value: 1c, currency: USD, start: 2026-11-01, expiry: 2026-12-01}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badValue))
        .hasMessageContaining(badValue + ": commitments[0] (g): 'unit-value' is not a number: '1c'");
    Path badDate = write("d.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, billing-account: a,"
        + " amount: 5, unit: USD, currency: USD, start: 2026-11-01, expiry: 1.12.2026}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badDate))
        .hasMessageContaining(badDate + ": commitments[0] (g): 'expiry' is not a date (yyyy-MM-dd, UTC): '1.12.2026'");
    write("dup.csv", "id,contract-id,provider,billing-account,amount,unit,currency,start,expiry\n"
        + "g,c,OpenAI,a,5,USD,USD,2026-11-01,2026-12-01\ng,c,OpenAI,a,6,USD,USD,2026-11-01,2026-12-01\n");
    Path dup = write("e.yaml", "commitments: dup.csv\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(dup)).hasMessageContaining(dir.resolve("dup.csv") + ": duplicate commitment id 'g'");
    write("short.csv", "id,contract-id,provider\ng,c\n");
    Path shortLine = write("f.yaml", "commitments: short.csv\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(shortLine))
        .hasMessageContaining(dir.resolve("short.csv") + ":2: 2 fields, the header has 3");
  }
}
