package org.cytotriage.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The alert rules and the dashboard ask for metrics the services really register, and every alert has its runbook section. */
class MonitoringTest {

    private static final Path MONITORING = ServiceConfiguration.ROOT.resolve("deploy/monitoring");
    private static final Pattern OUR_METRIC = Pattern.compile("cytotriage_[a-z0-9_]+");
    /** Meter names in the services' code: "cytotriage.inference.batch.size" and the like. */
    private static final Pattern METER_NAME = Pattern.compile("\"(cytotriage(?:\\.[a-z0-9]+)+)\"");
    private static final List<String> PROMETHEUS_SUFFIXES = List.of("", "_total", "_seconds", "_seconds_bucket", "_seconds_sum",
            "_seconds_count", "_seconds_max", "_bucket", "_sum", "_count", "_max");

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasASeverityASummaryAndARunbookSectionThatExists() throws IOException {
        String runbook = Files.readString(ServiceConfiguration.ROOT.resolve("docs/runbook.md"));
        Set<String> anchors = new HashSet<>();
        runbook.lines().filter(line -> line.startsWith("#")).forEach(heading -> anchors.add(
                heading.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-')));
        try (Reader reader = Files.newBufferedReader(MONITORING.resolve("alert-rules.yaml"))) {
            Map<String, Object> rules = new Yaml().load(reader);
            List<Map<String, Object>> alerts = ((List<Map<String, Object>>) rules.get("groups")).stream()
                    .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream()).toList();
            assertThat(alerts).hasSizeGreaterThanOrEqualTo(5);
            for (Map<String, Object> alert : alerts) {
                Map<String, String> annotations = (Map<String, String>) alert.get("annotations");
                assertThat(((Map<String, String>) alert.get("labels"))).containsKey("severity");
                assertThat(annotations.get("summary")).isNotBlank();
                String anchor = annotations.get("runbook").replaceFirst("^docs/runbook\\.md#", "");
                assertThat(anchors).as("runbook section for %s", alert.get("alert")).contains(anchor);
            }
        }
    }

    @Test
    void theRulesAndTheDashboardUseOnlyMetricsTheServicesRegister() throws IOException {
        Set<String> exposed = new HashSet<>();
        try (Stream<Path> sources = Files.walk(ServiceConfiguration.ROOT)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")
                    && !p.toString().contains("/target/")).toList()) {
                Matcher meters = METER_NAME.matcher(Files.readString(source));
                while (meters.find()) {
                    String base = meters.group(1).replace('.', '_');
                    PROMETHEUS_SUFFIXES.forEach(suffix -> exposed.add(base + suffix));
                }
            }
        }
        assertThat(exposed).contains("cytotriage_dead_letters_total", "cytotriage_model_info", "cytotriage_audit_drift_psi");
        for (String file : List.of("alert-rules.yaml", "grafana-dashboard.json")) {
            Matcher used = OUR_METRIC.matcher(Files.readString(MONITORING.resolve(file)));
            while (used.find()) {
                assertThat(exposed).as("%s in %s", used.group(), file).contains(used.group());
            }
        }
    }
}
