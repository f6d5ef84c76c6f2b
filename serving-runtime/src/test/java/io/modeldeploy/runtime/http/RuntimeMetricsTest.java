package io.modeldeploy.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.modeldeploy.runtime.inference.Prediction;

/** What a regressor's predictions look like in /metrics: a histogram whose buckets fit small and negative values. */
class RuntimeMetricsTest {

    @Test
    void aRegressorsValuesLandInBucketsThatTellSmallAndNegativeValuesApart() {
        var metrics = new RuntimeMetrics();
        metrics.predictions("house", "2.0.0", false, List.of(value(0.3), value(0.3), value(-0.3), value(0.04),
                value(1500)));

        String scrape = metrics.scrape();
        assertThat(bucket(scrape, "-0.5")).isZero();
        assertThat(bucket(scrape, "-0.2")).as("-0.3").isEqualTo(1);
        assertThat(bucket(scrape, "0.05")).as("-0.3 and 0.04").isEqualTo(2);
        assertThat(bucket(scrape, "0.2")).isEqualTo(2);
        assertThat(bucket(scrape, "0.5")).as("both 0.3").isEqualTo(4);
        assertThat(bucket(scrape, "1000.0")).isEqualTo(4);
        assertThat(bucket(scrape, "2000.0")).isEqualTo(5);
        assertThat(bucket(scrape, "+Inf")).isEqualTo(5);
        assertThat(scrape).contains("modeldeploy_prediction_value_count{model=\"house\",version=\"2.0.0\"} 5");
    }

    /** The cumulative count of the bucket with this upper bound. */
    private static long bucket(String scrape, String le) {
        String prefix = "modeldeploy_prediction_value_bucket{model=\"house\",version=\"2.0.0\",le=\"" + le + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(prefix.length()).trim()))
                .orElseThrow(() -> new AssertionError("no bucket le=" + le + " in\n" + scrape));
    }

    private static Prediction value(double v) {
        return new Prediction(null, null, List.of(), new double[] {v});
    }
}
