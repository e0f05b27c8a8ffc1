package dev.ditto.curation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@link CurationProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CurationProperties.class)
class CurationConfiguration {}
