package dev.ditto.curation;

/** What a curator does with a sample: accept it, reject it (with a reason) or pass it on to someone else. */
public enum ReviewDecision { ACCEPT, REJECT, SKIP }
