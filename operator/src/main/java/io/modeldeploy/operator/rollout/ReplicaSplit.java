package io.modeldeploy.operator.rollout;

/**
 * How the ReplicaRatio traffic provider approximates a canary weight: one Service selects stable and canary pods,
 * so traffic follows the replica counts. A positive weight gets at least one canary pod; a weight below 100 keeps
 * at least one stable pod. The effective weight is what the split really gives, shown in status.
 *
 * @param stable replicas of the stable revision
 * @param canary replicas of the canary revision
 * @param effectiveWeight the canary's share of the pods, in percent
 */
public record ReplicaSplit(int stable, int canary, int effectiveWeight) {

    public static ReplicaSplit of(int total, int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("a canary weight is between 0 and 100, not " + weight);
        }
        if (total <= 0) {
            return new ReplicaSplit(0, 0, 0);
        }
        int canary = (int) Math.round(total * weight / 100.0);
        if (weight > 0 && canary == 0) {
            canary = 1;
        }
        if (weight < 100 && canary == total && total > 1) {
            canary = total - 1;
        }
        int stable = weight == 100 ? 0 : total - canary;
        if (weight < 100 && stable == 0) {
            stable = 1;
        }
        return new ReplicaSplit(stable, canary, (int) Math.round(100.0 * canary / (stable + canary)));
    }
}
