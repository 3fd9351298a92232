package dev.classifier.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
  @Test
  void readsCpuModelAndLoadAverageFromProcTexts() {
    String cpuinfo =
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
            + "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
    assertThat(Machine.cpuModel(cpuinfo)).isEqualTo("Intel(R) Xeon(R) CPU @ 2.20GHz");
    // aarch64 kernels print no model name: the CPU part identifies the core
    assertThat(Machine.cpuModel("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n"))
        .isEqualTo("CPU part 0xd0c");
    assertThat(Machine.loadAverage("10.79 6.61 4.05 3/812 41234\n"))
        .containsExactly(10.79, 6.61, 4.05);
    assertThat(Machine.loadAverage("")).isEmpty();
  }

  @Test
  void describesTheMachineInOneLine() {
    Machine m = new Machine("Some CPU", 2, List.of(0.5, 1.25, 2.0), "Linux 6.1 amd64", "X 17");
    assertThat(m.describe())
        .isEqualTo(
            "Some CPU, 2 cores, load average 0.50 1.25 2.00 at the start; Linux 6.1 amd64; JVM X 17");
  }

  @Test
  void commandLineQuotesWhatTheShellWouldSplit() {
    assertThat(
            Provenance.commandLine(
                List.of(
                    "--server",
                    "127.0.0.1:50051",
                    "--title",
                    "Fashion-MNIST, 2 cores",
                    "--x",
                    "it's",
                    "")))
        .isEqualTo(
            "java -jar classifier-loadtest.jar --server 127.0.0.1:50051 --title "
                + "'Fashion-MNIST, 2 cores' --x 'it'\\''s' ''");
  }

  @Test
  void aGivenCommitWinsElseUnknownWithoutAManifestEntry() {
    assertThat(Provenance.gitCommit(" 0123abc ", ProvenanceTest.class)).isEqualTo("0123abc");
    // test classes are not in a jar whose manifest names them as Main-Class
    assertThat(Provenance.gitCommit(null, ProvenanceTest.class)).isEqualTo("unknown");
    assertThat(Provenance.gitCommit("  ", ProvenanceTest.class)).isEqualTo("unknown");
  }
}
