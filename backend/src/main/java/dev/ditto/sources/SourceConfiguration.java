package dev.ditto.sources;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code ditto.sources.*} and {@code ditto.captions.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SourceProperties.class, CaptionProperties.class})
class SourceConfiguration {}
