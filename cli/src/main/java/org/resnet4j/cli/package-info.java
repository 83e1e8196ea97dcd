/**
 * The command-line tool {@code resnet4j-cli.jar} (its own artifact, {@code org.resnet4j:resnet4j-cli}, on the library's
 * public API): summary, infer, train, eval, bench, export, convert, features, figure6, finetune, classify and serve.
 */
package org.resnet4j.cli;
