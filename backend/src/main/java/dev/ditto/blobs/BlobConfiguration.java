package dev.ditto.blobs;

import dev.ditto.platform.DittoProperties;
import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The blob store: an S3-compatible bucket when {@code ditto.blobs.s3.bucket} is set, else the local disk under
 * {@code ditto.blobs.dir}.
 */
@Configuration(proxyBeanMethods = false)
class BlobConfiguration {
    @Bean
    BlobStore blobStore(DittoProperties properties, FreeSpace freeSpace) throws IOException {
        DittoProperties.S3 s3 = properties.blobs().s3();
        if (s3.enabled()) {
            return S3BlobStore.connect(s3);
        }
        return new LocalBlobStore(properties.blobDir(), freeSpace);
    }
}
