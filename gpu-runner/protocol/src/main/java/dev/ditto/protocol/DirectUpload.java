package dev.ditto.protocol;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Answer to {@code POST …/artifacts/{name}/upload-url}: {@code url} is a presigned PUT valid until
 * {@code expiresAt} (send the file's bytes with no Authorization header), then call {@code …/uploaded}. Both are
 * null when the server stores blobs on its own disk: then upload through {@code PUT …/artifacts/{name}}.
 */
public record DirectUpload(@Nullable String url, @Nullable Instant expiresAt) {}
