"""What a Dockerfile's stages contain, inferred from the model: base image facts, system CUDA/cuDNN, Python,
and every framework install with the CUDA build it selects (was ``facts.py``; ``dockerlint_ml.facts`` is the
facade the rules import lazily).

* ``records``: the fact dataclasses;
* ``base``: base-image classification;
* ``resolve``: which CUDA build an install selects, per framework;
* ``options``: index/Python option and environment values of an install command;
* ``locations``: where an install goes, and whether a ``COPY --from`` carries it;
* ``installs``: the command -> install walker of one stage;
* ``copies``: build-context COPYs/WORKDIR, requirements files in the context, ``COPY --from`` provenance;
* ``assemble``: ``dockerfile_facts``, ``facts_for``, ``needed_stages``, ``python_for``, ``reaches_image``.

Nothing here re-parses Dockerfile text (shell commands come from the model's ``ShellCommand.invocation``).
Requirements files are read only through the build context object, when the Dockerfile ``COPY``s (or
bind-mounts) them in. Anything that cannot be told (an unknown image, an unpinned version, an ARG without
default) is left as None: unknown is not bad.
"""
