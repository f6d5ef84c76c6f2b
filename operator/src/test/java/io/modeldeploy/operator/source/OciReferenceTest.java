package io.modeldeploy.operator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class OciReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void aTagReferenceNamesItsRegistryRepositoryAndTag() {
        OciReference ref = OciReference.parse("oci://localhost:5000/team-a/models/iris:1.0.0");

        assertThat(ref).isEqualTo(new OciReference("localhost:5000", "team-a/models/iris", Optional.of("1.0.0"),
                Optional.empty()));
        assertThat(ref.manifestReference()).isEqualTo("1.0.0");
        assertThat(ref.image()).isEqualTo("localhost:5000/team-a/models/iris:1.0.0");
        assertThat(ref.at(DIGEST).image()).as("pinned").isEqualTo("localhost:5000/team-a/models/iris@" + DIGEST);
        assertThat(ref.at(DIGEST).uri()).isEqualTo("oci://localhost:5000/team-a/models/iris@" + DIGEST);
    }

    @Test
    void aDigestReferenceIsItsOwnManifestReference() {
        OciReference ref = OciReference.parse("oci://ghcr.io/acme/iris@" + DIGEST);

        assertThat(ref.tag()).isEmpty();
        assertThat(ref.manifestReference()).isEqualTo(DIGEST);
        assertThat(ref.image()).isEqualTo("ghcr.io/acme/iris@" + DIGEST);
    }

    @Test
    void aReferenceWithNeitherTagNorDigestIsRefused() {
        assertThatThrownBy(() -> OciReference.parse("oci://ghcr.io/acme/iris"))
                .hasMessageContaining("not an oci:// model.uri with a tag or digest");
        assertThat(OciReference.isOci("s3://models/iris/model.onnx")).isFalse();
    }
}
