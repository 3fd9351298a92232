/**
 * Image decoding and torchvision-compatible preprocessing for the classifier's clients and server.
 *
 * <p>Start with {@link dev.classifier.imaging.ImageDecoder} (bytes to pixels, with a pixel limit
 * checked before decoding and EXIF orientation applied) and {@link
 * dev.classifier.imaging.ImagePreprocessor} (pixels to an {@link
 * dev.classifier.imaging.ImageTensor} as described by a {@link
 * dev.classifier.imaging.PreprocessSpec}).
 *
 * <p>The contract is parity with the Python side: {@code ImageOps.exif_transpose(Image.open(f))
 * .convert("RGB"|"L")} followed by torchvision 0.14's {@code Resize}, {@code CenterCrop}, {@code
 * ToTensor} and {@code Normalize}. Pillow's resampling is ported bit-exactly ({@code Resampler});
 * PNG inputs reproduce torchvision exactly, JPEG inputs differ only by the JPEG decoders' ±few
 * pixel-level differences (see the module README and {@code TorchvisionParityTest}). Depends only
 * on the JDK and TwelveMonkeys ImageIO.
 */
package dev.classifier.imaging;
