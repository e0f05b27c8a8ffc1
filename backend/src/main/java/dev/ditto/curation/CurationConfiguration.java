package dev.ditto.curation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@link CurationProperties} and {@link DecisionBatchProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CurationProperties.class, DecisionBatchProperties.class})
class CurationConfiguration {}
