package dev.ditto.blobs;

import dev.ditto.platform.DittoProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects of an S3-compatible bucket ({@code ditto.blobs.s3.*}): {@code <prefix>blobs/<sha256>}. Content is
 * streamed to a staging object under {@code <prefix>incoming/} (multipart, one part in memory at a time), hashed on
 * the way, then copied to its content address and the staging object deleted, so a half-written or wrong blob is
 * never visible under a key. Runners and browsers get presigned URLs ({@link #direct()}).
 */
public final class S3BlobStore implements BlobStore, DirectTransfers, AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final int partBytes;
    private final Duration ttl;

    S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, int partBytes, Duration ttl) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.partBytes = partBytes;
        this.ttl = ttl;
    }

    /** A client for the configured store; checks the bucket is there (or creates it when so configured). */
    public static S3BlobStore connect(DittoProperties.S3 settings) {
        var credentials = settings.accessKey() != null && settings.secretKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
        Region region = Region.of(settings.region());
        var client = S3Client.builder().region(region).credentialsProvider(credentials).serviceConfiguration(service)
                // S3-compatible servers (s3proxy, older MinIO) answer the SDK's default flexible checksums with NotImplemented
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(Math.max(1, settings.maxAttempts()))))
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presigner = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(service);
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
            client.endpointOverride(URI.create(settings.endpoint()));
            presigner.endpointOverride(URI.create(settings.endpoint()));
        }
        String bucket = java.util.Objects.requireNonNull(settings.bucket());
        S3BlobStore store = new S3BlobStore(client.build(), presigner.build(), bucket, settings.prefix(),
                Math.max(5, settings.partMb()) * 1024 * 1024, settings.presignTtl());
        store.requireBucket(settings.createBucket());
        return store;
    }

    private void requireBucket(boolean create) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            if (!create) {
                throw new IllegalStateException("The S3 bucket '" + bucket + "' does not exist; create it or set "
                        + "ditto.blobs.s3.create-bucket=true", e);
            }
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && create) {
                s3.createBucket(b -> b.bucket(bucket));
                return;
            }
            throw new IllegalStateException("Cannot reach the S3 bucket '" + bucket + "' (HTTP " + e.statusCode() + "): "
                    + e.getMessage() + "; check ditto.blobs.s3.endpoint, the access key and the secret", e);
        }
    }

    /** The bucket's name. */
    public String bucket() {
        return bucket;
    }

    /** The object key that holds blob {@code key}. */
    public String objectKey(String key) {
        if (!BlobStore.isValidKey(key)) {
            throw new IllegalArgumentException("not a blob key: " + key);
        }
        return prefix + "blobs/" + key;
    }

    /** The objects under {@code <prefix><folder>/} as a folder of files (release files live in one). */
    public S3Folder folder(String folder) {
        String under = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        return new S3Folder(s3, bucket, prefix + under, partBytes);
    }

    @Override
    public Optional<DirectTransfers> direct() {
        return Optional.of(this);
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException {
        String staging = "upload-" + UUID.randomUUID();
        MessageDigest sha = sha256();
        long size = 0;
        try (S3Upload out = new S3Upload(s3, bucket, stagingKey(staging), partBytes)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = content.read(buffer)) > 0; ) {
                size += n;
                if (size > maxBytes) {
                    throw new BlobTooLargeException(maxBytes);
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            out.commit();
        }
        String key = HexFormat.of().formatHex(sha.digest());
        try {
            if (expectedSha256 != null && !expectedSha256.toLowerCase(Locale.ROOT).equals(key)) {
                throw new BlobChecksumMismatchException(expectedSha256, key);
            }
            promote(staging, key);
            return new StoredBlob(key, size);
        } finally {
            deleteQuietly(stagingKey(staging));
        }
    }

    @Override
    public void requireSpace(long bytes) {
        // the bucket has no disk of this server's to fill
    }

    @Override
    public Optional<StoredBlob> stat(String key) {
        if (!BlobStore.isValidKey(key)) {
            return Optional.empty();
        }
        return head(objectKey(key)).map(h -> new StoredBlob(key, h.contentLength()));
    }

    @Override
    public Optional<Resource> resource(String key) {
        return stat(key).map(blob -> new ObjectResource(blob));
    }

    @Override
    public InputStream open(String key) throws IOException {
        if (!BlobStore.isValidKey(key)) {
            throw new NoSuchFileException("not a blob key: " + key);
        }
        return openObject(objectKey(key));
    }

    /** A ranged GET: only those bytes cross the network. */
    @Override
    public byte[] firstBytes(String key, int n) throws IOException {
        if (!BlobStore.isValidKey(key)) {
            throw new NoSuchFileException("not a blob key: " + key);
        }
        try {
            return s3.getObjectAsBytes(g -> g.bucket(bucket).key(objectKey(key)).range("bytes=0-" + (n - 1))).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + objectKey(key));
        } catch (SdkException e) {
            throw new IOException("could not read s3://" + bucket + "/" + objectKey(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public URI downloadUrl(String key, String contentType) {
        String object = objectKey(key);
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(bucket).key(object).responseContentType(contentType))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public URI uploadUrl(String stagingName) {
        String object = stagingKey(stagingName);
        try {
            return presigner.presignPutObject(p -> p.signatureDuration(ttl)
                    .putObjectRequest(o -> o.bucket(bucket).key(object))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StoredBlob acceptUpload(String stagingName, String expectedSha256, long expectedSize) throws IOException {
        String staging = stagingKey(stagingName);
        // a mismatch discards the upload; a failure to read it (the store unreachable) keeps it for the runner's retry
        try {
            HeadObjectResponse head = head(staging).orElseThrow(() -> new NoSuchFileException(
                    "nothing was uploaded to the presigned URL (staging object " + stagingName + ")"));
            if (head.contentLength() != expectedSize) {
                throw new BlobSizeMismatchException(expectedSize, head.contentLength());
            }
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(openObject(staging), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(expectedSha256.toLowerCase(Locale.ROOT))) {
                throw new BlobChecksumMismatchException(expectedSha256, actual);
            }
            promote(stagingName, actual);
            deleteQuietly(staging);
            return new StoredBlob(actual, expectedSize);
        } catch (BlobSizeMismatchException | BlobChecksumMismatchException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /** Copies the staging object to its content address, unless that blob is already there. */
    private void promote(String stagingName, String key) throws IOException {
        String target = objectKey(key);
        if (head(target).isPresent()) {
            return;
        }
        try {
            s3.copyObject(c -> c.sourceBucket(bucket).sourceKey(stagingKey(stagingName))
                    .destinationBucket(bucket).destinationKey(target));
        } catch (SdkException e) {
            throw new IOException("could not store blob " + key + " in s3://" + bucket + ": " + e.getMessage(), e);
        }
    }

    private String stagingKey(String stagingName) {
        if (!stagingName.matches("[A-Za-z0-9._/-]{1,200}") || stagingName.contains("..")) {
            throw new IllegalArgumentException("not a staging name: " + stagingName);
        }
        return prefix + "incoming/" + stagingName;
    }

    private Optional<HeadObjectResponse> head(String object) {
        return S3Folder.head(s3, bucket, object);
    }

    private InputStream openObject(String object) throws IOException {
        try {
            return s3.getObject(g -> g.bucket(bucket).key(object));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + object);
        } catch (SdkException e) {
            throw new IOException("could not read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    private void deleteQuietly(String object) {
        try {
            s3.deleteObject(d -> d.bucket(bucket).key(object));
        } catch (SdkException e) {
            // a leftover staging object is invisible to readers; the bucket's lifecycle rule can expire incoming/
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A blob as a Spring resource: its length from HEAD, its bytes streamed by GET. */
    private final class ObjectResource extends AbstractResource {
        private final StoredBlob blob;

        ObjectResource(StoredBlob blob) {
            this.blob = blob;
        }

        @Override
        public String getDescription() {
            return "s3://" + bucket + "/" + objectKey(blob.key());
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return open(blob.key());
        }

        @Override
        public long contentLength() {
            return blob.size();
        }

        @Override
        public boolean exists() {
            return true;
        }
    }
}
