/**
 * Administration of a running server: hot reload of models. {@link
 * dev.classifier.server.admin.ModelReloader} does the work (load and warm beside, swap, drain and
 * close the old version); {@link dev.classifier.server.admin.AdminService} exposes it as {@code
 * classifier.v1.Admin/ReloadModel} and {@link dev.classifier.server.admin.ReloadSignal} on SIGHUP.
 */
package dev.classifier.server.admin;
