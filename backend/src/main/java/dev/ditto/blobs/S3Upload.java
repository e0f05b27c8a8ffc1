package dev.ditto.blobs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/**
 * An object written as a stream with bounded memory: bytes gather in one part buffer; a full buffer becomes a part
 * of a multipart upload; {@link #commit()} completes it (or, for content smaller than one part, sends one PUT). The
 * object only appears at commit: {@link #close()} without {@link #commit()} aborts the upload, so a half-written
 * object is never visible.
 */
public final class S3Upload extends OutputStream {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final byte[] buffer;
    private int filled;
    private long written;
    private @Nullable String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private boolean committed;
    private boolean closed;

    S3Upload(S3Client s3, String bucket, String key, int partBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.buffer = new byte[partBytes];
    }

    /** Bytes written so far. */
    public long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        while (length > 0) {
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
            written += n;
            if (filled == buffer.length) {
                sendPart();
            }
        }
    }

    /** Makes the object visible with everything written so far. */
    public void commit() throws IOException {
        ensureOpen();
        try {
            if (uploadId == null) {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled)));
            } else {
                if (filled > 0) {
                    sendPart();
                }
                String id = uploadId;
                try {
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                } catch (NoSuchUploadException e) {
                    // a retry after the store completed it but its answer was lost: done if the object is whole
                    if (S3Folder.head(s3, bucket, key).map(h -> h.contentLength() != written).orElse(true)) {
                        throw e;
                    }
                }
            }
            committed = true;
        } catch (SdkException e) {
            throw new IOException("could not store s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed && uploadId != null) {
            String id = uploadId;
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
            } catch (SdkException e) {
                // the bucket's lifecycle rule for incomplete uploads cleans it up; nothing of it is visible
            }
        }
    }

    private void sendPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            }
            int number = parts.size() + 1;
            String id = uploadId;
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled))).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        } catch (SdkException e) {
            throw new IOException("could not upload part " + (parts.size() + 1) + " of s3://" + bucket + "/" + key
                    + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed || committed) {
            throw new IOException("upload of " + key + " is already " + (committed ? "committed" : "closed"));
        }
    }
}
