package io.modeldeploy.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost} with its private key, as PEM files: what a
 * test server on this machine serves TLS with, and what its clients trust.
 *
 * @param certificate the certificate, PEM; also the one authority a client must trust
 * @param key the private key, PEM (PKCS#8)
 */
public record SelfSignedTls(Path certificate, Path key) {

    /** A new key pair and certificate, valid for a day, written into {@code dir}. */
    public static SelfSignedTls create(Path dir) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair pair = generator.generateKeyPair();
            var name = new X500Name("CN=modeldeploy test server");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), name,
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            var certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Files.createDirectories(dir);
            var tls = new SelfSignedTls(dir.resolve("tls.crt"), dir.resolve("tls.key"));
            Files.writeString(tls.certificate(), pem(certificate));
            Files.writeString(tls.key(), pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                    pair.getPrivate(), null)));
            return tls;
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    /** A TLS context that trusts this certificate alone: what a client of the test server uses. */
    public javax.net.ssl.SSLContext clientContext() {
        try (var in = Files.newInputStream(certificate)) {
            var trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("server",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            var managers = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            managers.init(trust);
            var context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, managers.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the test certificate " + certificate, e);
        }
    }

    /** A TLS context that serves this certificate: what the test server itself uses. */
    public javax.net.ssl.SSLContext serverContext() {
        try {
            String keyPem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            var privateKey = java.security.KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(keyPem)));
            java.security.cert.Certificate cert;
            try (var in = Files.newInputStream(certificate)) {
                cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            char[] password = "test".toCharArray();
            var store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, new java.security.cert.Certificate[] {cert});
            var managers = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            managers.init(store, password);
            var context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot serve the test certificate " + certificate, e);
        }
    }

    private static String pem(Object object) throws IOException {
        var text = new StringWriter();
        try (var writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
