package dev.ditto.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.db.embedded.EmbeddedS3Proxy;
import dev.ditto.db.testing.SharedInfrastructure;
import dev.ditto.platform.DittoProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import dev.ditto.testing.TcpFaultProxy;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The S3 blob store against a real S3 server (s3proxy): content addressing, multipart, presigned transfers. */
class S3BlobStoreIT {
    private S3BlobStore store;

    static DittoProperties.S3 settings(String bucket) {
        return new DittoProperties.S3(SharedInfrastructure.s3proxy().endpoint(), bucket, "us-east-1",
                EmbeddedS3Proxy.IDENTITY, EmbeddedS3Proxy.CREDENTIAL, true, "ditto/", Duration.ofMinutes(5), 5, true, 5);
    }

    @BeforeEach
    void connect() {
        store = S3BlobStore.connect(settings(SharedInfrastructure.newBucketName()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aMultipartBlobIsStoredUnderItsSha256AndReadBackByteForByte() throws Exception {
        byte[] content = random(11 * 1024 * 1024 + 17); // three parts of 5 MiB
        BlobStore.StoredBlob blob = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, sha256(content));

        assertThat(blob.key()).isEqualTo(sha256(content));
        assertThat(store.stat(blob.key())).contains(new BlobStore.StoredBlob(blob.key(), content.length));
        try (InputStream in = store.open(blob.key())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(store.folder("").list()).containsExactly("blobs/" + blob.key());
    }

    @Test
    void contentWithAnotherSha256IsRefusedAndLeavesNoObjectBehind() {
        byte[] content = random(1000);

        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, "a".repeat(64)))
                .isInstanceOf(BlobStore.BlobChecksumMismatchException.class);
        assertThat(store.folder("").list()).isEmpty();
    }

    @Test
    void aPresignedUploadBecomesABlobOnlyWhenItsSizeAndSha256Match() throws Exception {
        byte[] content = random(300_000);
        HttpClient http = HttpClient.newHttpClient();
        assertThat(put(http, store.uploadUrl("job-1/1/edited.mp4"), content)).isEqualTo(200);

        BlobStore.StoredBlob blob = store.acceptUpload("job-1/1/edited.mp4", sha256(content), content.length);

        assertThat(blob.key()).isEqualTo(sha256(content));
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(store.downloadUrl(blob.key(), "video/mp4")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(content);
        assertThat(store.folder("").list()).containsExactly("blobs/" + blob.key());
    }

    @Test
    void aTamperedPresignedUploadIsRefusedAndDiscarded() throws Exception {
        byte[] announced = random(4096);
        byte[] sent = announced.clone();
        sent[100] ^= 1;
        HttpClient http = HttpClient.newHttpClient();
        put(http, store.uploadUrl("job-2/1/edited.mp4"), sent);

        assertThatThrownBy(() -> store.acceptUpload("job-2/1/edited.mp4", sha256(announced), announced.length))
                .isInstanceOf(BlobStore.BlobChecksumMismatchException.class);
        assertThatThrownBy(() -> store.acceptUpload("job-2/1/edited.mp4", sha256(announced), announced.length))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(store.folder("").list()).isEmpty();
    }

    @Test
    void aStoreThatRefusesOrResetsConnectionsStillEndsWithWholeBlobsOnly() throws Exception {
        String bucket = SharedInfrastructure.newBucketName();
        S3BlobStore.connect(settings(bucket)).close(); // creates the bucket
        try (TcpFaultProxy flaky = new TcpFaultProxy(SharedInfrastructure.s3proxy().port())) {
            flaky.faults(0.05);
            DittoProperties.S3 direct = settings(bucket);
            DittoProperties.S3 viaProxy = new DittoProperties.S3("http://127.0.0.1:" + flaky.port(), bucket, direct.region(),
                    direct.accessKey(), direct.secretKey(), true, direct.prefix(), direct.presignTtl(), 5, false, 5);
            List<String> keys = new java.util.ArrayList<>();
            try (S3BlobStore through = S3BlobStore.connect(viaProxy)) {
                for (int i = 0; i < 40; i++) {
                    byte[] content = random(i == 0 ? 11 * 1024 * 1024 : 200_000 + i);
                    keys.add(through.put(new ByteArrayInputStream(content), Long.MAX_VALUE, sha256(content)).key());
                    assertThat(through.stat(keys.getLast())).map(BlobStore.StoredBlob::size).contains((long) content.length);
                }
            }

            assertThat(flaky.faultsInjected()).isPositive();
            try (S3BlobStore reader = S3BlobStore.connect(direct)) {
                assertThat(reader.folder("").list()).containsExactlyInAnyOrderElementsOf(
                        keys.stream().map(k -> "blobs/" + k).toList());
                for (String key : keys) {
                    try (InputStream in = reader.open(key)) {
                        assertThat(sha256(in.readAllBytes())).isEqualTo(key);
                    }
                }
            }
        }
    }

    private static int put(HttpClient http, java.net.URI url, byte[] content) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
