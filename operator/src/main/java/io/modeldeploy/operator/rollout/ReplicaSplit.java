package io.modeldeploy.operator.rollout;

/**
 * The replicas of both tracks for a canary weight, and the canary's share of the traffic they really give
 * (shown in status).
 * <ul>
 * <li>{@link #of ReplicaRatio}: one Service selects stable and canary pods, so traffic follows the replica counts.
 * A positive weight gets at least one canary pod; a weight below 100 keeps at least one stable pod.</li>
 * <li>{@link #routed GatewayAPI}: an HTTPRoute weighs the tracks exactly, so the stable track keeps all its
 * replicas (it can take all traffic back at once) and the canary gets replicas in proportion to its weight.</li>
 * </ul>
 *
 * @param stable replicas of the stable revision
 * @param canary replicas of the canary revision
 * @param effectiveWeight the canary's share of the traffic, in percent
 */
public record ReplicaSplit(int stable, int canary, int effectiveWeight) {

    public static ReplicaSplit of(int total, int weight) {
        checkWeight(weight);
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

    /**
     * The split when an HTTPRoute weighs the tracks. The route gives the canary its weight only once a canary pod
     * is ready: before that a weighted backend without endpoints would fail requests.
     *
     * @param canaryReady whether at least one canary pod is ready
     */
    public static ReplicaSplit routed(int total, int weight, boolean canaryReady) {
        checkWeight(weight);
        if (total <= 0) {
            return new ReplicaSplit(0, 0, 0);
        }
        int canary = weight == 0 ? 0 : Math.max(1, (int) Math.ceil(total * weight / 100.0));
        return new ReplicaSplit(total, canary, canaryReady ? weight : 0);
    }

    private static void checkWeight(int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("a canary weight is between 0 and 100, not " + weight);
        }
    }
}
