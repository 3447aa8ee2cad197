"""Link: project-level reasoning over every file's facts; reads facts, writes facts."""
