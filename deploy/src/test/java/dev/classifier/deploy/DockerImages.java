package dev.classifier.deploy;

/** Image names the build produces (deploy/docker), checked against the manifests. */
final class DockerImages {
  /** Repository name of the server image; tags: the project version, and that plus "-gpu". */
  static final String NAME = "classifier-server";

  private DockerImages() {}
}
