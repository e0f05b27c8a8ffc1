package dev.ditto.blobs;

import dev.ditto.platform.DittoProperties;
import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The local-disk blob store under {@code ditto.blobs.dir}. */
@Configuration(proxyBeanMethods = false)
class BlobConfiguration {
    @Bean
    LocalBlobStore blobStore(DittoProperties properties, FreeSpace freeSpace) throws IOException {
        return new LocalBlobStore(properties.blobDir(), freeSpace);
    }
}
