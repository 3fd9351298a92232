/** Shared helpers of the operations tests (metrics scraping). */
package dev.classifier.server.ops;
