"""The written assessment (bilan): the social-axis section, in French, as Markdown and HTML."""
