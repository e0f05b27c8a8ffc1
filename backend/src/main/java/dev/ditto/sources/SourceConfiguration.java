package dev.ditto.sources;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code ditto.sources.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SourceProperties.class)
class SourceConfiguration {}
