package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import io.aifocus.api.credits.Grant;
import io.aifocus.api.credits.ProvisionedThroughput;
import io.aifocus.api.credits.SpendCommitment;
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
    List<Grant> grants = JobConfig.fromYaml(config).grants();
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
    assertThat(JobConfig.fromYaml(yaml).grants().get(0).amount()).isEqualByComparingTo("50000.10");
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
    Grant g = JobConfig.fromYaml(credits).grants().get(0);
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

  @Test
  void spendCommitmentsAndReservationsAreTypesWithTheirOwnKeys() throws IOException {
    Path yaml = write("types.yaml", """
        commitments:
          - {id: edp, type: spend-commitment, contract-id: c1, provider: OpenAI, billing-account: acct, amount: 120000,
             currency: USD, start: 2026-01-01, expiry: 2027-01-01, period: month}
          - {id: ptu, type: provisioned-throughput, contract-id: c1, provider: aws/bedrock, billing-account: acct,
             model: claude-sonnet, model-units: 2, tokens-per-hour: 5_000_000, fee: 730, fee-per: month,
             currency: USD, start: 2026-11-01, expiry: 2027-11-01}
          - {id: pack, contract-id: c1, provider: Anthropic, billing-account: acct, amount: 1000, unit: Tokens,
             currency: USD, start: 2026-11-01, expiry: 2026-12-01}
        """);
    JobConfig config = JobConfig.fromYaml(yaml);
    assertThat(config.commitments()).hasSize(3);
    assertThat(config.grants()).extracting(Grant::id).containsExactly("pack");
    SpendCommitment edp = (SpendCommitment) config.commitments().get(0);
    assertThat(edp.period()).isEqualTo(SpendCommitment.Period.MONTH);
    assertThat(edp.periods()).hasSize(12);
    assertThat(edp.termMinimum()).isEqualByComparingTo("1440000");
    ProvisionedThroughput ptu = (ProvisionedThroughput) config.commitments().get(1);
    assertThat(ptu.modelUnits()).isEqualTo(2);
    assertThat(ptu.tokensPerHour()).isEqualByComparingTo("5000000");
    assertThat(ptu.feePer()).isEqualTo(ProvisionedThroughput.FeePer.MONTH);

    Path wrongKey = write("w.yaml", "commitments:\n  - {id: edp, type: spend-commitment, contract-id: c, provider: OpenAI,"
        + " billing-account: a, amount: 5, price-paid: 4, currency: USD, start: 2026-11-01, expiry: 2026-12-01}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(wrongKey)).isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-9001").hasMessageContaining(wrongKey + ": commitments[0] (edp): 'price-paid' does not"
            + " apply to a commitment of type spend-commitment");
    Path noModel = write("m.yaml", "commitments:\n  - {id: pt, type: provisioned-throughput, contract-id: c,"
        + " provider: OpenAI, billing-account: a, tokens-per-hour: 10, fee: 1, currency: USD, start: 2026-11-01,"
        + " expiry: 2026-12-01}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(noModel)).hasMessageContaining(noModel + ": commitments[0] (pt): 'model'"
        + " is required");
    Path notMonths = write("n.yaml", "commitments:\n  - {id: edp, type: spend-commitment, contract-id: c,"
        + " provider: OpenAI, billing-account: a, amount: 5, currency: USD, start: 2026-11-01, expiry: 2026-12-15,"
        + " period: month}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(notMonths)).hasMessageContaining(notMonths + ": commitments[0] (edp):"
        + " Invalid expiry: 2026-12-15 is not a whole number of months after start 2026-11-01 (period month)");
    Path badType = write("t.yaml", "commitments:\n  - {id: x, type: reservation}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badType)).hasMessageContaining(badType + ": commitments[0] (x): 'type'"
        + " must be prepaid, spend-commitment or provisioned-throughput: 'reservation'");
    Path grantWithFee = write("g.yaml", "commitments:\n  - {id: g, contract-id: c, provider: OpenAI, billing-account: a,"
        + " amount: 5, unit: USD, currency: USD, start: 2026-11-01, expiry: 2026-12-01, fee: 3}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(grantWithFee)).hasMessageContaining(grantWithFee + ": commitments[0] (g):"
        + " 'fee' does not apply to a commitment of type prepaid");
    Path badUnits = write("u.yaml", "commitments:\n  - {id: pt, type: provisioned-throughput, contract-id: c,"
        + " provider: OpenAI, billing-account: a, model: m, model-units: 0, tokens-per-hour: 10, fee: 1, currency: USD,"
        + " start: 2026-11-01, expiry: 2026-12-01}\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badUnits)).hasMessageContaining(badUnits + ": commitments[0] (pt):"
        + " Invalid model units: 0 (must be >= 1)");
  }
}
