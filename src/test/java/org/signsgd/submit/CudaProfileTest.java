package org.signsgd.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The cuda Maven profile (docs/gpu.md), read from pom.xml: never part of the default build (its natives jar is
 * 600 MB), the natives it brings left out of the cluster jar and copied to the directory the executor image
 * (submit/k8s/Dockerfile.cuda) puts on spark.executor.extraClassPath, and only the cuDNN build of the natives.
 */
class CudaProfileTest {
  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(name)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }

  private static Element project() throws Exception {
    Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    return d.getDocumentElement();
  }

  private static Element cudaProfile(Element project) {
    for (Element p : children(child(project, "profiles"), "profile")) {
      if ("cuda".equals(text(p, "id"))) {
        return p;
      }
    }
    throw new AssertionError("pom.xml has no profile with id cuda");
  }

  private static Element plugin(Element profile, String artifactId) {
    for (Element p : children(child(child(profile, "build"), "plugins"), "plugin")) {
      if (artifactId.equals(text(p, "artifactId"))) {
        return p;
      }
    }
    throw new AssertionError("the cuda profile declares no " + artifactId);
  }

  @Test
  void theCudaProfileIsNeverActiveUnlessAskedForAndTheDefaultDependenciesHaveNoCuda() throws Exception {
    Element project = project();
    Element activation = child(cudaProfile(project), "activation");
    if (activation != null) {
      // no activeByDefault=true and no trigger (a property, a file, the JDK, the OS) that could switch it on in CI
      for (Node n = activation.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          assertThat(e.getTagName()).isEqualTo("activeByDefault");
          assertThat(e.getTextContent().strip()).isEqualTo("false");
        }
      }
    }
    for (Element dep : children(child(project, "dependencies"), "dependency")) {
      assertThat(text(dep, "artifactId")).doesNotContainIgnoringCase("cuda");
    }
  }

  @Test
  void theNativesAreLeftOutOfTheClusterJarAndCopiedWhereTheImageTakesThem() throws Exception {
    Element cuda = cudaProfile(project());
    Element shadeConf = child(plugin(cuda, "maven-shade-plugin"), "configuration");
    Set<String> excludedIds = new LinkedHashSet<>();
    Set<String> excludedClassifiers = new LinkedHashSet<>();
    List<String> excludes = new ArrayList<>();
    for (Element ex : children(child(child(shadeConf, "artifactSet"), "excludes"), "exclude")) {
      String[] gatc = ex.getTextContent().strip().split(":");
      assertThat(gatc).as(ex.getTextContent()).hasSize(4);
      excludes.add(gatc[0] + ":" + gatc[1] + ":" + gatc[3]);
      excludedIds.add(gatc[1]);
      excludedClassifiers.add(gatc[3]);
    }
    // every natives jar the profile declares (the ones with a classifier) is left out of the shaded jar
    for (Element dep : children(child(cuda, "dependencies"), "dependency")) {
      String classifier = text(dep, "classifier");
      if (classifier != null) {
        assertThat(excludes).contains(text(dep, "groupId") + ":" + text(dep, "artifactId") + ":" + classifier);
      }
    }
    // and so is the CUDA presets' JNI (transitive: org.bytedeco:cuda linux-x86_64)
    assertThat(excludes).contains("org.bytedeco:cuda:linux-x86_64");
    // what is left out is what the package phase copies for the image, and nothing else
    Element copy = null;
    for (Element ex : children(child(plugin(cuda, "maven-dependency-plugin"), "executions"), "execution")) {
      if (text(child(ex, "goals"), "goal").equals("copy-dependencies")) {
        copy = child(ex, "configuration");
      }
    }
    assertThat(copy).as("a copy-dependencies execution in the cuda profile").isNotNull();
    assertThat(Set.of(text(copy, "includeArtifactIds").split(","))).isEqualTo(excludedIds);
    assertThat(Set.of(text(copy, "includeClassifiers").split(","))).isEqualTo(excludedClassifiers);
    String out = text(copy, "outputDirectory").replace("${project.build.directory}", "target");
    // the image copies that directory and runs on a CUDA 11 base with cuDNN 8 (libcublas.so.11, libcudnn.so.8)
    String dockerfile = Files.readString(Path.of("submit/k8s/Dockerfile.cuda"));
    assertThat(dockerfile).containsPattern("(?m)^COPY .*\\s" + Pattern.quote(out) + "/? /opt/signsgd/cuda/?$");
    Matcher base = Pattern.compile("(?m)^ARG CUDA_IMAGE=nvidia/cuda:(\\d+)\\.\\S*-(cudnn\\d+)-").matcher(dockerfile);
    assertThat(base.find()).as("ARG CUDA_IMAGE=nvidia/cuda:11.x-cudnn8-...").isTrue();
    assertThat(base.group(1)).isEqualTo("11");
    assertThat(base.group(2)).isEqualTo("cudnn8");
  }

  @Test
  void onlyTheCudnnNativesComeIn() throws Exception {
    // nd4j-cuda-11.6's own pom (shared by its classifier jars) pulls the linux-x86_64 natives without cuDNN:
    // another 600 MB that no exclude keeps out of the cluster jar. Every nd4j-cuda-11.6 dependency excludes it.
    int declared = 0;
    for (Element dep : children(child(cudaProfile(project()), "dependencies"), "dependency")) {
      if ("nd4j-cuda-11.6".equals(text(dep, "artifactId"))) {
        declared++;
        List<String> excluded = new ArrayList<>();
        for (Element ex : children(child(dep, "exclusions"), "exclusion")) {
          excluded.add(text(ex, "groupId") + ":" + text(ex, "artifactId"));
        }
        assertThat(excluded).as("exclusions of nd4j-cuda-11.6:" + text(dep, "classifier"))
            .contains("org.nd4j:nd4j-cuda-11.6");
        String classifier = text(dep, "classifier");
        if (classifier != null) {
          assertThat(classifier).isEqualTo("linux-x86_64-cudnn");
        }
      }
    }
    // the classes and the cuDNN natives
    assertThat(declared).isEqualTo(2);
  }
}
