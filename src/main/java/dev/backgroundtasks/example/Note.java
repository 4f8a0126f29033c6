package dev.backgroundtasks.example;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A note a user writes; its summary is filled in later by a background task. */
@Entity
@Table(name = "example_note")
public class Note {

    @Id
    @SequenceGenerator(name = "example_note_seq", sequenceName = "example_note_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "example_note_seq")
    private Long id;

    @Column(name = "text", nullable = false, length = 4000)
    private String text;

    @Column(name = "summary", length = 200)
    private String summary;

    @Column(name = "word_count")
    private Integer wordCount;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public Integer getWordCount() {
        return wordCount;
    }

    public void setWordCount(Integer wordCount) {
        this.wordCount = wordCount;
    }
}
