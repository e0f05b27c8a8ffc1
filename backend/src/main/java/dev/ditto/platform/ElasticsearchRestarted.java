package dev.ditto.platform;

/** The embedded Elasticsearch was started again after its process had exited: it serves, but cold. */
public record ElasticsearchRestarted() {}
