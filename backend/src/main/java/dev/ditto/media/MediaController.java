package dev.ditto.media;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.DirectTransfers;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /media/blobs/{key}}: a blob's bytes for the dashboard's players and images. Spring MVC answers a
 * {@code Range} request on a {@link Resource} body with {@code 206 Partial Content}, so players seek without
 * downloading the whole video. Blobs are content-addressed, so they are cached as immutable. With an object store
 * ({@code ditto.blobs.s3.*}) a signed-in user's request is answered with a 307 to a presigned GET: the player
 * streams (and seeks, by Range) straight from the store.
 */
@RestController
class MediaController {
    private final BlobStore blobs;
    private final JdbcClient jdbc;

    MediaController(BlobStore blobs, JdbcClient jdbc) {
        this.blobs = blobs;
        this.jdbc = jdbc;
    }

    @GetMapping("/media/blobs/{key}")
    ResponseEntity<Resource> blob(@PathVariable String key) throws IOException {
        if (!BlobStore.isValidKey(key)) {
            return ResponseEntity.notFound().build();
        }
        Optional<DirectTransfers> direct = blobs.direct();
        if (direct.isPresent()) {
            if (blobs.stat(key).isEmpty()) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
                    .location(direct.get().downloadUrl(key, contentType(key).toString()))
                    .cacheControl(CacheControl.noStore()).build();
        }
        Optional<Resource> resource = blobs.resource(key);
        if (resource.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok()
                .contentType(contentType(key))
                .cacheControl(CacheControl.maxAge(Duration.ofDays(7)).cachePrivate().immutable())
                .eTag("\"" + key + "\"")
                .body(resource.get());
    }

    /** Sniffed from the first bytes (definitive for the formats the pipeline writes), else the recorded asset type. */
    private MediaType contentType(String key) throws IOException {
        MediaType sniffed = sniff(blobs.firstBytes(key, 16));
        if (!sniffed.equals(MediaType.APPLICATION_OCTET_STREAM)) {
            return sniffed;
        }
        Optional<String> recorded = jdbc.sql("select content_type from source_assets where blob_key = :k limit 1")
                .param("k", key).query(String.class).optional();
        try {
            return recorded.map(MediaType::parseMediaType).orElse(sniffed);
        } catch (IllegalArgumentException e) {
            return sniffed;
        }
    }

    /** The media type of the first bytes of a file: MP4/MOV, JPEG, PNG, WebM, else octet-stream. */
    static MediaType sniff(byte[] head) {
        if (head.length >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return head.length >= 10 && head[8] == 'q' && head[9] == 't' ? MediaType.parseMediaType("video/quicktime")
                    : MediaType.parseMediaType("video/mp4");
        }
        if (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
            return MediaType.IMAGE_JPEG;
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return MediaType.IMAGE_PNG;
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x1a && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xdf
                && (head[3] & 0xff) == 0xa3) {
            return MediaType.parseMediaType("video/webm");
        }
        return MediaType.APPLICATION_OCTET_STREAM;
    }
}
