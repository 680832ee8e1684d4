"""Create every topic of the system (reads KAFKA_BOOTSTRAP_SERVERS)."""

import asyncio

from shared.kafka import ensure_topics
from shared.settings import ServiceSettings
from shared.topics import ALL_TOPICS


def main() -> None:
    """Create the missing topics and list them."""
    settings = ServiceSettings()
    asyncio.run(ensure_topics(settings.kafka_bootstrap_servers))
    for topic in ALL_TOPICS:
        policy = "compacted" if topic.compacted else "kept forever"
        print(f"  {topic.name:38} {topic.partitions} partitions, {policy}")


if __name__ == "__main__":
    main()
