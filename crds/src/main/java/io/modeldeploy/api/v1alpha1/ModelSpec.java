package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The trained model: its name, version, format and where it is stored. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.name.matches('^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$')", fieldPath = ".name",
        message = "model.name must be lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit")
@ValidationRule(value = "self.version.matches('^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$')", fieldPath = ".version",
        message = "model.version must be letters, digits, '.', '_' or '-' (it becomes a label value), e.g. 1.2.0")
@ValidationRule(value = "self.uri.matches('^(pvc|file|https?|s3|oci)://.+$')", fieldPath = ".uri",
        message = "model.uri must start with pvc://, file://, http://, https://, s3:// or oci://")
@ValidationRule(value = "!self.uri.startsWith('oci://') || self.uri.matches("
        + "'^oci://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?/[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$')",
        fieldPath = ".uri", message = "an oci:// model.uri takes the form oci://<registry>/<repository>:<tag> or "
                + "oci://<registry>/<repository>@sha256:<digest>, e.g. oci://ghcr.io/acme/iris:1.0.0; the image's "
                + "root holds the model bundle")
@ValidationRule(value = "!self.uri.startsWith('http://') || has(self.sha256)", fieldPath = ".sha256",
        message = "an http:// model.uri needs model.sha256: nothing else protects a plain HTTP download from being "
                + "changed on its way")
@ValidationRule(value = "!self.uri.startsWith('s3://') || self.uri.matches('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*$')",
        fieldPath = ".uri", message = "an s3:// model.uri takes the form s3://<bucket>/<key of the model file>, with "
                + "model.json beside it, or s3://<bucket>/<prefix>/, the folder of the bundle")
@ValidationRule(value = "!has(self.s3) || self.uri.startsWith('s3://')", fieldPath = ".s3",
        message = "model.s3 configures the store of an s3:// model.uri; this uri is not one")
@ValidationRule(value = "!self.uri.startsWith('pvc://') || self.uri.matches('^pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?/.+$')",
        fieldPath = ".uri", message = "a pvc:// model.uri takes the form pvc://<claim-name>/<path in the volume>")
@ValidationRule(value = "!self.uri.startsWith('pvc://') || !(self.uri.contains('/../') || self.uri.endsWith('/..'))",
        fieldPath = ".uri", message = "a pvc:// model.uri must not contain '..': the path stays inside the claim's volume")
@ValidationRule(value = "!self.uri.startsWith('file://') || self.uri.startsWith('file:///')", fieldPath = ".uri",
        message = "a file:// model.uri must be an absolute path in the image, e.g. file:///models/iris")
@ValidationRule(value = "!has(self.cacheClaim) || (has(self.sha256) && self.uri.matches('^(https?|s3)://.+$'))",
        fieldPath = ".cacheClaim", message = "model.cacheClaim shares downloaded bundles by their digest: it needs "
                + "model.sha256 and an http://, https:// or s3:// model.uri (an oci:// model is cached by the node)")
@ValidationRule(value = "!has(self.sha256) || self.sha256.matches('^[a-f0-9]{64}$')", fieldPath = ".sha256",
        message = "model.sha256 must be 64 lowercase hex digits, as printed by sha256sum")
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(
        @JsonPropertyDescription("The model's name, as served under /v2/models/{name}")
        @Required @Size(min = 1, max = 63) String name,
        @JsonPropertyDescription("The model's version; changing it rolls out a new revision")
        @Required @Size(min = 1, max = 63) String version,
        @JsonPropertyDescription("The model's file format, which selects the engine: onnx, pytorch or xgboost")
        @Required ModelFormat format,
        @JsonPropertyDescription("Where the model is stored: pvc://<claim>/<path>, file:///<path> (in the image), "
                + "http:// (with sha256), https://, s3://<bucket>/<key> or s3://<bucket>/<prefix>/ (see s3), or "
                + "oci://<registry>/<repository>:<tag> or @sha256:<digest> (an image whose root holds the bundle, "
                + "mounted as an image volume; the operator pins a tag to its digest in status.resolvedModel); a URL "
                + "or key names the model file, with its model.json beside it; an s3 prefix names the bundle's folder")
        @Required @Size(min = 1, max = 2048) String uri,
        @JsonPropertyDescription("The model bundle's SHA-256 (64 lowercase hex digits), covering the model file and "
                + "its model.json: `sha256sum model.json <model file> | sha256sum` in the model's folder; the runtime "
                + "refuses to serve a bundle that does not match")
        @Size(max = 64) String sha256,
        @JsonPropertyDescription("An acceptance gate: the version's pods must agree with the bundle's reference.json "
                + "before they report ready; a version that does not never takes traffic (a canary is rolled back, a "
                + "rolling update keeps the old pods)")
        AcceptanceSpec acceptance,
        @JsonPropertyDescription("The S3-compatible store of an s3:// uri: endpoint, region, path-style "
                + "addressing, credentials")
        S3SourceSpec s3,
        @JsonPropertyDescription("A PersistentVolumeClaim in the ModelDeployment's namespace where the pods keep "
                + "downloaded bundles by their sha256, so that a scale-up or a restart reads the bundle there "
                + "instead of downloading it again (ReadWriteMany to share across nodes). Every pod verifies what it "
                + "reads against sha256; the operator's policy.claims governs it like a pvc:// model")
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$") @Size(max = 253) String cacheClaim) {

    /** A model that is not in an S3-compatible store. */
    public ModelSpec(String name, String version, ModelFormat format, String uri, String sha256,
            AcceptanceSpec acceptance) {
        this(name, version, format, uri, sha256, acceptance, null, null);
    }

    /** A model without a shared download cache. */
    public ModelSpec(String name, String version, ModelFormat format, String uri, String sha256,
            AcceptanceSpec acceptance, S3SourceSpec s3) {
        this(name, version, format, uri, sha256, acceptance, s3, null);
    }
}
