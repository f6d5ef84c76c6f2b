package io.modeldeploy.operator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's own counts from its /q/metrics: requests to the API server by "VERB resource"
 * ({@code modeldeploy_api_requests_total}), reconciliations started and ended and the seconds they took, and the Events
 * waiting and dropped. Read by ApiRequestBudgetIT and the scale benchmark.
 */
public record OperatorCounts(Map<String, Double> byRequest, double reconciles, double reconcilesEnded,
        double reconcileSeconds, double eventsQueued, double eventsDropped) {
    public static OperatorCounts of(String metrics) {
        var byRequest = new TreeMap<String, Double>();
        double reconciles = 0;
        double reconcilesEnded = 0;
        double reconcileSeconds = 0;
        double eventsQueued = 0;
        double eventsDropped = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("modeldeploy_api_requests_total{")) {
                String verb = line.replaceAll(".*verb=\"([A-Z]+)\".*", "$1");
                String resource = line.replaceAll(".*resource=\"([^\"]+)\".*", "$1");
                byRequest.put(verb + " " + resource, value(line));
            } else if (line.startsWith("modeldeploy_reconciliations_total")) {
                reconciles = value(line);
            } else if (line.startsWith("modeldeploy_reconciliation_seconds_count")) {
                reconcilesEnded = value(line);
            } else if (line.startsWith("modeldeploy_reconciliation_seconds_sum")) {
                reconcileSeconds = value(line);
            } else if (line.startsWith("modeldeploy_events_queued")) {
                eventsQueued = value(line);
            } else if (line.startsWith("modeldeploy_events_dropped_total")) {
                eventsDropped = value(line);
            }
        }
        return new OperatorCounts(byRequest, reconciles, reconcilesEnded, reconcileSeconds, eventsQueued,
                eventsDropped);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** Every request but watches and the leader Lease's renewals, which do not grow with ModelDeployments. */
    public long requests() {
        return (long) byRequest.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("WATCH ") && !e.getKey().endsWith(" leases"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** Writes, but the leader Lease's renewals. */
    public long writes() {
        return (long) byRequest.entrySet().stream()
                .filter(e -> List.of("POST", "PUT", "PATCH", "DELETE").contains(e.getKey().split(" ")[0])
                        && !e.getKey().endsWith(" leases"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** What grew since {@code earlier}, by "VERB resource", the leader Lease's renewals left out. */
    public String minus(OperatorCounts earlier) {
        var diff = new TreeMap<String, Long>();
        byRequest.forEach((key, n) -> {
            long d = (long) (n - earlier.byRequest.getOrDefault(key, 0.0));
            if (d > 0 && !key.endsWith(" leases")) {
                diff.put(key, d);
            }
        });
        return diff.toString();
    }
}
