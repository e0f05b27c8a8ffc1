package dev.ditto.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects under one key prefix of the bucket, addressed by relative paths like files of a folder (release files:
 * shards, metadata, the manifest). Writes are multipart streams ({@link S3Upload}) visible only when committed.
 */
public final class S3Folder {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partBytes;

    S3Folder(S3Client s3, String bucket, String prefix, int partBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.partBytes = partBytes;
    }

    /** The bucket's name. */
    public String bucket() {
        return bucket;
    }

    /** The object key of {@code path}. */
    public String key(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("not a relative path: " + path);
        }
        return prefix + path;
    }

    /** A sub-folder. */
    public S3Folder resolve(String folder) {
        return new S3Folder(s3, bucket, key(folder) + (folder.endsWith("/") ? "" : "/"), partBytes);
    }

    /** A new object at {@code path}, visible once {@link S3Upload#commit()} is called (memory: one part). */
    public S3Upload create(String path) {
        return new S3Upload(s3, bucket, key(path), partBytes);
    }

    /** Opens the object at {@code path}. */
    public InputStream open(String path) throws IOException {
        try {
            return s3.getObject(g -> g.bucket(bucket).key(key(path)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + key(path));
        } catch (SdkException e) {
            throw new IOException("could not read s3://" + bucket + "/" + key(path) + ": " + e.getMessage(), e);
        }
    }

    /** The size of the object at {@code path}, if there is one. */
    public Optional<Long> size(String path) {
        return head(s3, bucket, key(path)).map(HeadObjectResponse::contentLength);
    }

    /** HEAD of an object; empty when there is none. */
    static Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
        try {
            return Optional.of(s3.headObject(h -> h.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Copies {@code path} of {@code from} to {@code path} here, inside the store (no bytes pass through this server). */
    public void copyFrom(S3Folder from, String fromPath, String path) throws IOException {
        try {
            s3.copyObject(c -> c.sourceBucket(from.bucket).sourceKey(from.key(fromPath)).destinationBucket(bucket)
                    .destinationKey(key(path)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + from.bucket + "/" + from.key(fromPath));
        } catch (SdkException e) {
            throw new IOException("could not copy " + fromPath + " into s3://" + bucket + "/" + key(path) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Deletes the object at {@code path} (nothing when there is none). */
    public void delete(String path) {
        s3.deleteObject(d -> d.bucket(bucket).key(key(path)));
    }

    /** The relative paths of every object in this folder and below (folder markers, keys ending in '/', left out). */
    public List<String> list() {
        return s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).filter(k -> !k.endsWith("/")).map(k -> k.substring(prefix.length())).toList();
    }

    /** Deletes every object in this folder and below. */
    public void deleteAll() {
        for (String path : list()) {
            delete(path);
        }
    }
}
